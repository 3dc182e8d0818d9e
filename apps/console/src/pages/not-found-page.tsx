import { Link } from 'react-router';
import { EmptyState } from '../ui/states';

export default function NotFoundPage() {
  return (
    <EmptyState title="There is no page here">
      <Link to="/">Go to the dashboard</Link>
    </EmptyState>
  );
}
