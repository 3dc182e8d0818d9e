import { PageHeader } from '../../ui/page-header';

export default function DashboardPage() {
  return <PageHeader title="DashboardPage" description="Being built." />;
}
