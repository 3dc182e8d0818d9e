import { useRef, useState } from 'react';
import { SelectField, TextAreaField, TextField } from '../../../ui/fields';
import { useProblemAt } from './form-context';
import { ReferencePicker } from './reference-picker';
import type { FieldProps } from './schema-field';

/** Fields that name or describe something rather than compute it: no references there. */
const PLAIN_NAMES = new Set(['name', 'description', 'language', 'provider_id', 'model', 'workflow_id', 'base_id']);

/** A text value, one line or many, with the reference picker beside it where references make sense. */
export function TextControl({ schema, name, label, value, onChange, pointer, required, multiline }: FieldProps & { multiline: boolean }) {
  const referable = schema.pattern === undefined && !PLAIN_NAMES.has(name);
  const ref = useRef<HTMLDivElement>(null);
  const error = useProblemAt(pointer);
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  // An optional field left empty is left out, rather than sent as "".
  const set = (next: string, group: string | null) => onChange(next === '' && !required ? undefined : next, group);
  const common = {
    label,
    value: text,
    hint: schema.description,
    error,
    spellCheck: false,
    'aria-required': required || undefined,
  };
  return (
    <div className="schema-text" ref={ref}>
      {multiline ? (
        <TextAreaField {...common} rows={Math.min(12, Math.max(3, text.split('\n').length + 1))} onChange={(event) => set(event.target.value, pointer)} />
      ) : (
        <TextField {...common} onChange={(event) => set(event.target.value, pointer)} />
      )}
      {referable && <ReferencePicker label={label} fieldRef={ref} value={text} onChange={(next) => set(next, null)} />}
    </div>
  );
}

/** Any JSON value as text; a parse error is shown and the last valid value is kept. */
export function JsonControl({ schema, label, value, onChange, pointer }: FieldProps) {
  const serverError = useProblemAt(pointer);
  const [draft, setDraft] = useState<string | null>(null);
  const [parseError, setParseError] = useState<string | undefined>();
  const text = draft ?? (value === undefined ? '' : JSON.stringify(value, null, 2));
  return (
    <TextAreaField
      label={label}
      value={text}
      spellCheck={false}
      hint={schema.description ?? 'Any JSON value: "text", 42, true, [..], {..}.'}
      error={parseError ?? serverError}
      rows={Math.min(10, Math.max(2, text.split('\n').length))}
      onChange={(event) => {
        const next = event.target.value;
        setDraft(next);
        if (next.trim() === '') {
          setParseError(undefined);
          return onChange(undefined, pointer);
        }
        try {
          const parsed: unknown = JSON.parse(next);
          setParseError(undefined);
          onChange(parsed, pointer);
        } catch (error) {
          setParseError(`Not valid JSON: ${(error as Error).message}`);
        }
      }}
      // Once valid, the text is shown as the value again (formatted); an invalid text stays.
      onBlur={() => {
        if (parseError === undefined) setDraft(null);
      }}
    />
  );
}

type Mode = 'text' | 'json';

/**
 * A value of any type: text (where references are written) or JSON (numbers, booleans, objects).
 * Slots meant for references start as text; the rest as JSON.
 */
export function AnyField(props: FieldProps) {
  const { value, onChange, preferText } = props;
  const [mode, setMode] = useState<Mode>(() => (typeof value === 'string' || (value === undefined && preferText) ? 'text' : 'json'));
  function switchTo(next: Mode) {
    setMode(next);
    // Text holds strings only: a JSON value becomes its text, to be edited from there.
    if (next === 'text' && value !== undefined && typeof value !== 'string') onChange(JSON.stringify(value), null);
  }
  return (
    <div className="schema-any">
      {mode === 'text' ? <TextControl {...props} multiline={false} /> : <JsonControl {...props} />}
      <SelectField
        label="Format"
        value={mode}
        options={[
          { value: 'text', label: 'Text' },
          { value: 'json', label: 'JSON' },
        ]}
        onChange={(event) => switchTo(event.target.value as Mode)}
      />
    </div>
  );
}
