import { PageHeader } from '../../ui/page-header';

export default function RunsPage() {
  return <PageHeader title="RunsPage" description="Being built." />;
}
