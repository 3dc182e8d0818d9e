import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { problemOf } from '../../api/problem';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../ui/fields';
import { fieldProblem, FormDialog } from '../../ui/form-dialog';
import { parseModels, providerKeys, type Provider } from './provider-queries';

interface Fields {
  name: string;
  base_url: string;
  models: string;
  /** Write-only: typed here, sent once, never read back. */
  api_key: string;
  remove_key: boolean;
}

const blank: Fields = { name: '', base_url: '', models: '', api_key: '', remove_key: false };
const fieldsOf = (provider: Provider): Fields => ({ name: provider.name, base_url: provider.base_url, models: provider.models.join('\n'), api_key: '', remove_key: false });

/**
 * Adds a provider, or changes one (`provider` given). The API key is write-only: the API never
 * answers it, so on edit the field starts empty, and empty means "keep the current key" — the
 * change is sent without `api_key` at all (an absent key keeps it; null would remove it).
 */
export function ProviderDialog({ open, provider, onClose }: { open: boolean; provider?: Provider; onClose: () => void }) {
  const queries = useQueryClient();
  const editing = provider !== undefined;
  const [typed, setTyped] = useState<Fields | null>(null);
  const fields = typed ?? (provider ? fieldsOf(provider) : blank);
  const save = useMutation({
    mutationFn: async () => {
      const common = { name: fields.name.trim(), base_url: fields.base_url.trim(), models: parseModels(fields.models) };
      const key = fields.api_key.trim();
      if (!provider) return unwrap(api.POST('/api/v1/llm/providers', { body: { ...common, kind: 'openai_compatible', ...(key ? { api_key: key } : {}) } }));
      const api_key = fields.remove_key ? null : key || undefined;
      return unwrap(api.PATCH('/api/v1/llm/providers/{id}', { params: { path: { id: provider.id } }, body: { ...common, ...(api_key === undefined ? {} : { api_key }) } }));
    },
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: providerKeys.all });
      close();
    },
  });
  function close() {
    setTyped(null);
    save.reset();
    onClose();
  }
  const set = (change: Partial<Fields>) => setTyped({ ...fields, ...change });
  const nameTaken = save.error !== null && problemOf(save.error).status === 409;

  return (
    <FormDialog
      open={open}
      title={editing ? `Edit ${provider.name}` : 'New LLM provider'}
      submitLabel={editing ? 'Save provider' : 'Create provider'}
      onSubmit={() => save.mutate()}
      onClose={close}
      pending={save.isPending}
      error={save.error}
    >
      <TextField
        label="Name"
        name="name"
        required
        maxLength={200}
        autoComplete="off"
        value={fields.name}
        onChange={(event) => set({ name: event.target.value })}
        error={nameTaken ? 'Another provider has this name.' : fieldProblem(save.error, '/name')}
      />
      <SelectField label="Kind" name="kind" value="openai_compatible" disabled={editing} onChange={() => {}} options={[{ value: 'openai_compatible', label: 'OpenAI-compatible (Chat Completions)' }]} hint="OpenAI, vLLM, Ollama, LiteLLM, Azure-style gateways and most hosted models." />
      <TextField
        label="Base URL"
        name="base_url"
        type="url"
        required
        autoComplete="off"
        placeholder="https://api.openai.com/v1"
        value={fields.base_url}
        onChange={(event) => set({ base_url: event.target.value })}
        error={fieldProblem(save.error, '/base_url')}
        hint="{base URL}/chat/completions is called."
      />
      <TextAreaField
        label="Models"
        name="models"
        required
        rows={3}
        value={fields.models}
        onChange={(event) => set({ models: event.target.value })}
        error={fieldProblem(save.error, '/models')}
        hint="One per line, or separated by commas. The first is used by Test."
      />
      <TextField
        label="API key"
        name="api_key"
        type="password"
        autoComplete="new-password"
        spellCheck={false}
        disabled={fields.remove_key}
        value={fields.api_key}
        onChange={(event) => set({ api_key: event.target.value })}
        error={fieldProblem(save.error, '/api_key')}
        hint={
          editing
            ? provider.has_api_key
              ? 'Leave empty to keep the current key. It is stored encrypted and never shown.'
              : 'This provider has no key. Leave empty to keep it that way.'
            : 'Optional: sent as a Bearer token. It is stored encrypted and never shown again.'
        }
      />
      {editing && provider.has_api_key && <CheckboxField label="Remove the stored key" name="remove_key" checked={fields.remove_key} onChange={(event) => set({ remove_key: event.target.checked, api_key: '' })} />}
    </FormDialog>
  );
}
