import { PageHeader } from '../../ui/page-header';

export default function ProvidersPage() {
  return <PageHeader title="ProvidersPage" description="Being built." />;
}
