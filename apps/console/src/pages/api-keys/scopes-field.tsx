import { useId } from 'react';
import type { Scope } from './api-key-queries';

type Role = 'viewer' | 'editor' | 'admin';

/** The scopes of API.md, what each allows, and the least role that may hold it. */
export const scopeChoices: { scope: Exclude<Scope, '*'>; hint: string; role: Role }[] = [
  { scope: 'workflows:read', hint: 'Read apps, workflows, versions and deployments.', role: 'viewer' },
  { scope: 'workflows:write', hint: 'Create and change workflows, publish and deploy.', role: 'editor' },
  { scope: 'workflows:run', hint: 'Run workflows and deployments.', role: 'editor' },
  { scope: 'logs:read', hint: 'Read runs and statistics.', role: 'viewer' },
  { scope: 'admin', hint: 'Everything, including users and providers.', role: 'admin' },
];

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** The scopes chosen: everything (`*`), or some of the others. */
export interface ScopeChoice {
  all: boolean;
  picked: Scope[];
}

/** What the API gets: `["*"]`, or the picked scopes in the order of API.md. */
export function scopesOf(choice: ScopeChoice): Scope[] {
  return choice.all ? ['*'] : scopeChoices.map((choice) => choice.scope).filter((scope) => choice.picked.includes(scope));
}

/**
 * Checkboxes for a key's scopes. `*` is everything the owner's role allows, and includes the
 * others; a scope beyond the user's role cannot be chosen (the API would refuse it).
 */
export function ScopesField({ value, onChange, role, error }: { value: ScopeChoice; onChange: (value: ScopeChoice) => void; role: Role; error?: string }) {
  const id = useId();
  const toggle = (scope: Scope, on: boolean) => onChange({ ...value, picked: on ? [...value.picked, scope] : value.picked.filter((picked) => picked !== scope) });
  return (
    <fieldset className="scopes-field" aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? true : undefined}>
      <legend>Scopes</legend>
      <div className="field field-check">
        <input id={`${id}-all`} type="checkbox" checked={value.all} onChange={(event) => onChange({ ...value, all: event.target.checked })} aria-describedby={`${id}-all-hint`} />
        <label htmlFor={`${id}-all`}>* (all)</label>
        <small id={`${id}-all-hint`} className="field-hint">
          Everything your role allows, now and as it changes.
        </small>
      </div>
      {scopeChoices.map((choice) => {
        const beyondRole = rank[role] < rank[choice.role];
        const inputId = `${id}-${choice.scope}`;
        return (
          <div key={choice.scope} className="field field-check">
            <input
              id={inputId}
              type="checkbox"
              checked={value.all ? !beyondRole : value.picked.includes(choice.scope)}
              disabled={value.all || beyondRole}
              onChange={(event) => toggle(choice.scope, event.target.checked)}
              aria-describedby={`${inputId}-hint`}
            />
            <label htmlFor={inputId}>{choice.scope}</label>
            <small id={`${inputId}-hint`} className="field-hint">
              {beyondRole ? `Needs the ${choice.role} role.` : value.all ? `Included in *. ${choice.hint}` : choice.hint}
            </small>
          </div>
        );
      })}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </fieldset>
  );
}
