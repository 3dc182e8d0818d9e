import { useState } from 'react';
import { useHasRole } from '../../auth/use-session';
import { formatDateTime, formatNumber } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState, QueryView } from '../../ui/states';
import { useApiKeys, type ApiKey, type IssuedKey } from './api-key-queries';
import { NewKeyDialog } from './new-key-dialog';
import { RevokeKeyDialog } from './revoke-key-dialog';
import { RotateKeyDialog } from './rotate-key-dialog';
import { SecretOnceDialog, type ShownSecret } from './secret-once-dialog';
import './api-keys-page.css';
import { BadgeList } from '../../ui/badge-list';

/** Your API keys: create one (its secret is shown once), rotate its secret, revoke it. */
export default function ApiKeysPage() {
  const keys = useApiKeys();
  const isAdmin = useHasRole('admin');
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  // The only copy of a new secret, until its dialog closes.
  const [secret, setSecret] = useState<ShownSecret | null>(null);

  const show = (title: string) => (issued: IssuedKey) => setSecret({ title, name: issued.name, key: issued.key });
  const newButton = (
    <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
      New API key
    </button>
  );

  return (
    <>
      <PageHeader
        title="API keys"
        description={`Keys let scripts and other services call the API as you, within the scopes you give them${isAdmin ? '' : ' and never beyond your role'}.`}
        actions={newButton}
      />
      <QueryView query={keys} loadingLabel="Loading API keys…">
        {({ items }) =>
          items.length === 0 ? (
            <EmptyState title="No API keys yet">
              <p>Create a key to call a deployment or the API from a script.</p>
              {newButton}
            </EmptyState>
          ) : (
            <div className="table-wrap api-keys-table">
              <table>
                <caption className="visually-hidden">Your API keys, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Prefix</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Status</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Uses</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((key) => {
                    const status = statusOf(key);
                    return (
                      <tr key={key.id}>
                        <th scope="row" className="api-keys-name">
                          {key.name}
                        </th>
                        <td>
                          <code>{key.prefix}_…</code>
                        </td>
                        <td>
                          <BadgeList label={`Scopes of ${key.name}`} items={key.scopes} />
                        </td>
                        <td>
                          <span className={`badge ${statusBadge[status]}`}>{status}</span>
                        </td>
                        <td className="api-keys-date">{formatDateTime(key.expires_at)}</td>
                        <td className="api-keys-date">{key.last_used_at ? formatDateTime(key.last_used_at) : 'Never'}</td>
                        <td>{formatNumber(key.use_count)}</td>
                        <td>
                          {status === 'active' && (
                            <div className="api-keys-actions">
                              <button type="button" className="button button-small" onClick={() => setRotating(key)}>
                                Rotate
                              </button>
                              <button type="button" className="button button-small button-danger" onClick={() => setRevoking(key)}>
                                Revoke
                              </button>
                            </div>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      <NewKeyDialog open={creating} onClose={() => setCreating(false)} onCreated={show('Your new API key')} />
      <RotateKeyDialog apiKey={rotating} onClose={() => setRotating(null)} onRotated={show('The new secret of your API key')} />
      <RevokeKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} />
      <SecretOnceDialog secret={secret} onClose={() => setSecret(null)} />
    </>
  );
}

const statusBadge = { active: 'badge-ok', expired: 'badge-cancelled', revoked: 'badge-revoked' } as const;

/** Revoked wins over expired: it was a decision, expiry only a date. */
function statusOf(key: ApiKey): 'revoked' | 'expired' | 'active' {
  if (key.revoked_at) return 'revoked';
  if (key.expires_at && new Date(key.expires_at).getTime() <= Date.now()) return 'expired';
  return 'active';
}
