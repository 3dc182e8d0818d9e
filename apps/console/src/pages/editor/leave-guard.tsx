import { useEffect } from 'react';
import { useBlocker } from 'react-router';
import { Dialog } from '../../ui/dialog';

/**
 * Warns before unsaved changes are lost: the browser's own prompt when the tab is closed or
 * reloaded, and a dialog when a link inside the console would leave the editor.
 */
export function LeaveGuard({ dirty }: { dirty: boolean }) {
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const open = blocker.state === 'blocked';
  return (
    <Dialog open={open} title="Leave without saving?" onClose={() => blocker.reset?.()}>
      <p>This workflow has changes that are not saved. If you leave now, they are lost.</p>
      <div className="row">
        <button type="button" className="button button-primary" onClick={() => blocker.reset?.()}>
          Stay and keep editing
        </button>
        <button type="button" className="button button-danger" onClick={() => blocker.proceed?.()}>
          Leave and discard changes
        </button>
      </div>
    </Dialog>
  );
}
