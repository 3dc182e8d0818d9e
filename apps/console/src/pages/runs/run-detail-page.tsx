import { PageHeader } from '../../ui/page-header';

export default function RunDetailPage() {
  return <PageHeader title="RunDetailPage" description="Being built." />;
}
