import { PageHeader } from '../../ui/page-header';

export default function EditorPage() {
  return <PageHeader title="EditorPage" description="Being built." />;
}
