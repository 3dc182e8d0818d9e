import { useState } from 'react';
import { formatDateTime } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState, QueryView } from '../../ui/states';
import { AdminOnly } from '../../ui/admin-only';
import { DeleteProviderDialog } from './delete-provider-dialog';
import { ProviderDialog } from './provider-dialog';
import { useProviderList, type Provider } from './provider-queries';
import { ProviderActions } from './provider-actions';
import './providers-page.css';
import { LoadMore } from '../../ui/load-more';
import { BadgeList } from '../../ui/badge-list';

/** Admins: the LLM providers `llm` nodes call — add, change, test and delete them. */
export default function ProvidersPage() {
  return (
    <AdminOnly title="LLM providers" subject="LLM providers">
      <ProviderAdministration />
    </AdminOnly>
  );
}

function ProviderAdministration() {
  const list = useProviderList();
  // `undefined`: no dialog; `null`: a new provider; a provider: editing it.
  const [editing, setEditing] = useState<Provider | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<Provider | null>(null);
  const newButton = (
    <button type="button" className="button button-primary" onClick={() => setEditing(null)}>
      New provider
    </button>
  );

  return (
    <>
      <PageHeader title="LLM providers" description="OpenAI-compatible endpoints that llm nodes call. Keys are stored encrypted and never shown again." actions={newButton} />
      <QueryView query={list} loadingLabel="Loading providers…">
        {(data) => {
          const providers = data.pages.flatMap((page) => page.items);
          if (providers.length === 0) {
            return (
              <EmptyState title="No LLM providers yet">
                <p>Add one (OpenAI, vLLM, Ollama, LiteLLM…) so workflows can use llm nodes.</p>
                {newButton}
              </EmptyState>
            );
          }
          return (
            <>
              <div className="table-wrap providers-table">
                <table>
                  <caption className="visually-hidden">LLM providers, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Base URL</th>
                      <th scope="col">Models</th>
                      <th scope="col">API key</th>
                      <th scope="col">Created</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {providers.map((provider) => (
                      <tr key={provider.id}>
                        <th scope="row" className="providers-name">
                          {provider.name}
                        </th>
                        <td className="providers-url">
                          <code>{provider.base_url}</code>
                        </td>
                        <td>
                          <BadgeList label={`Models of ${provider.name}`} items={provider.models} />
                        </td>
                        <td>{provider.has_api_key ? <span className="badge badge-ok">stored</span> : <span className="badge">none</span>}</td>
                        <td className="providers-date">{formatDateTime(provider.created_at)}</td>
                        <td>
                          <ProviderActions provider={provider}>
                            <button type="button" className="button button-small" onClick={() => setEditing(provider)}>
                              Edit
                            </button>
                            <button type="button" className="button button-small button-danger" onClick={() => setDeleting(provider)}>
                              Delete
                            </button>
                          </ProviderActions>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <LoadMore list={list} />
            </>
          );
        }}
      </QueryView>
      <ProviderDialog open={editing !== undefined} provider={editing ?? undefined} onClose={() => setEditing(undefined)} />
      <DeleteProviderDialog provider={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}
