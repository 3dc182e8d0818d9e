import { CopyButton } from '../../ui/copy-button';
import { Dialog } from '../../ui/dialog';

/** A key's secret as the API answered it once: shown until this dialog closes, then gone. */
export interface ShownSecret {
  title: string;
  name: string;
  key: string;
}

/**
 * Shows a new secret once, with a copy button and a warning. The page holds the secret only in
 * its state while this is open and drops it on close; nothing else (cache, storage, logs) has it.
 */
export function SecretOnceDialog({ secret, onClose }: { secret: ShownSecret | null; onClose: () => void }) {
  return (
    <Dialog open={secret !== null} title={secret?.title ?? 'New API key'} onClose={onClose}>
      {secret && (
        <div className="secret-once">
          <p className="notice" role="status">
            <strong>Copy this key now: it will not be shown again.</strong> Only a hash of it is stored; if you lose it, rotate the key to get a new secret.
          </p>
          <p>
            The secret of <strong>{secret.name}</strong>:
          </p>
          <div className="secret-once-key">
            <code aria-label="New API key">{secret.key}</code>
            <CopyButton text={secret.key} />
          </div>
          <p className="muted">
            Send it as <code>Authorization: Bearer &lt;key&gt;</code> or <code>x-api-key: &lt;key&gt;</code>.
          </p>
          <div className="form-dialog-actions">
            <button type="button" className="button button-primary" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
