import { PageHeader } from '../../ui/page-header';

export default function DeploymentsPage() {
  return <PageHeader title="DeploymentsPage" description="Being built." />;
}
