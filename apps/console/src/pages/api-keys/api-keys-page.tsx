import { PageHeader } from '../../ui/page-header';

export default function ApiKeysPage() {
  return <PageHeader title="ApiKeysPage" description="Being built." />;
}
