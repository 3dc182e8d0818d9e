import { useState } from 'react';
import { TextField } from '../../../ui/fields';
import { isPlainObject } from '../model/graph';
import { useFormContext, useProblemAt } from './form-context';
import { useRowFocus } from './use-row-focus';
import { defaultValue, fieldKind, type JsonSchema } from './json-schema';
import { capitalize, humanize, nounOf } from './labels';
import { childPointer, SchemaField, type FieldProps } from './schema-field';

/** The object with the key at `index` renamed, every other key in its place. */
function renameKey(object: Record<string, unknown>, index: number, to: string): Record<string, unknown> {
  const next: Record<string, unknown> = {};
  Object.entries(object).forEach(([key, value], i) => {
    Object.defineProperty(next, i === index ? to : key, { value, enumerable: true, writable: true, configurable: true });
  });
  return next;
}

function freeKey(object: Record<string, unknown>, noun: string): string {
  const base = noun.replace(/[^A-Za-z0-9_]+/g, '_');
  for (let n = 1; ; n++) if (!Object.hasOwn(object, `${base}_${n}`)) return `${base}_${n}`;
}

/**
 * An object of free keys as name/value rows (end outputs, http headers, variable_assign values).
 * Rows are named after the field (`Output name`, `Output value`).
 */
export function MapField({ schema, name, label, value, onChange, pointer, valueSchema }: FieldProps & { valueSchema: JsonSchema }) {
  const { readOnly } = useFormContext();
  const error = useProblemAt(pointer);
  const object = isPlainObject(value) ? value : {};
  const entries = Object.entries(object);
  const noun = nounOf(name);
  const Noun = capitalize(noun);
  // Values of free-form maps are mostly references or text; typed values start as text too.
  const valueIsText = fieldKind(valueSchema).kind === 'any';
  const focus = useRowFocus();

  return (
    <fieldset ref={focus.container} className={error ? 'schema-map schema-invalid' : 'schema-map'}>
      <legend>{label}</legend>
      {schema.description && <p className="field-hint">{schema.description}</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {entries.length === 0 && <p className="muted schema-empty">No {humanize(name) || 'entries'} yet.</p>}
      {entries.map(([key, entry], i) => (
        <fieldset key={i} className="schema-row">
          <legend>{`${Noun} ${i + 1}`}</legend>
          <KeyField
            label={`${Noun} name`}
            current={key}
            problem={(text) => (text === '' ? 'Enter a name.' : text !== key && Object.hasOwn(object, text) ? `Another ${noun} is named "${text}".` : undefined)}
            onRename={(text) => onChange(renameKey(object, i, text), `${pointer}#key${i}`)}
          />
          <SchemaField
            schema={valueSchema}
            name=""
            label={`${Noun} value`}
            value={entry}
            pointer={childPointer(pointer, key)}
            required
            preferText={valueIsText}
            onChange={(next, group) => onChange({ ...object, [key]: next === undefined ? '' : next }, group)}
          />
          {!readOnly && (
            <button
              type="button"
              className="button button-small button-danger schema-remove"
              aria-label={`Remove ${noun} ${key}`}
              onClick={() => {
                const next = { ...object };
                delete next[key];
                focus.focusAdd();
                onChange(next, null);
              }}
            >
              Remove
            </button>
          )}
        </fieldset>
      ))}
      {!readOnly && (
        <button
          ref={focus.addButton}
          type="button"
          className="button button-small"
          onClick={() => {
            focus.focusRow(entries.length);
            onChange({ ...object, [freeKey(object, noun)]: valueIsText ? '' : defaultValue(valueSchema) }, null);
          }}
        >
          Add {noun}
        </button>
      )}
    </fieldset>
  );
}

/** A key being typed: applied while it is a usable name, kept as typed (with why) when not. */
function KeyField({ label, current, problem, onRename }: { label: string; current: string; problem: (text: string) => string | undefined; onRename: (text: string) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? current;
  const error = draft === null ? undefined : problem(draft);
  return (
    <TextField
      label={label}
      value={text}
      spellCheck={false}
      error={error}
      onChange={(event) => {
        const next = event.target.value;
        if (problem(next) === undefined) {
          setDraft(null);
          if (next !== current) onRename(next);
        } else setDraft(next);
      }}
    />
  );
}
