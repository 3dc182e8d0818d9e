import { PageHeader } from '../../ui/page-header';

export default function UsersPage() {
  return <PageHeader title="UsersPage" description="Being built." />;
}
