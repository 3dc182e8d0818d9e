import type { FormEvent, ReactNode } from 'react';
import { problemOf } from '../api/problem';
import { Dialog } from './dialog';
import { ProblemMessage } from './problem-message';
import './form-dialog.css';

interface FormDialogProps {
  open: boolean;
  title: string;
  submitLabel: string;
  onSubmit: () => void;
  onClose: () => void;
  /** While the request is in flight: the submit button says so and cannot be pressed again. */
  pending?: boolean;
  /** The last failure, shown above the buttons as the API explained it. */
  error?: unknown;
  /** A destructive action: the submit button is red. */
  danger?: boolean;
  children?: ReactNode;
}

/**
 * A dialog holding one form: its fields, the API's problem if the last submit failed, Cancel and
 * the action. The console's create, edit and confirm dialogs all look and behave this way.
 */
export function FormDialog({ open, title, submitLabel, onSubmit, onClose, pending = false, error, danger = false, children }: FormDialogProps) {
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!pending) onSubmit();
  }
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      <form className="form-dialog" onSubmit={submit}>
        {children}
        {error !== undefined && error !== null && <ProblemMessage error={error} />}
        <div className="form-dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'button button-danger' : 'button button-primary'} disabled={pending} aria-busy={pending || undefined}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The message of a 422's field problem at `path` (a JSON pointer into the body), if any. */
export function fieldProblem(error: unknown, path: string): string | undefined {
  if (error === undefined || error === null) return undefined;
  const problem = problemOf(error);
  return problem.errors.find((field) => field.path === path || field.path.startsWith(`${path}/`))?.message;
}
