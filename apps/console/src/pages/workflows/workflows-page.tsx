import { PageHeader } from '../../ui/page-header';

export default function WorkflowsPage() {
  return <PageHeader title="WorkflowsPage" description="Being built." />;
}
