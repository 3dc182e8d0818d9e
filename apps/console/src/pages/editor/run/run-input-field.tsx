import { CheckboxField, TextAreaField, TextField } from '../../../ui/fields';
import type { FieldValue, StartInput } from './run-inputs';

/** One start input as a control of its type: text, number, checkbox, or JSON for objects and arrays. */
export function RunInputField({ input, value, error, onChange }: { input: StartInput; value: FieldValue; error?: string; onChange: (value: FieldValue) => void }) {
  const hint = (
    <>
      {input.description && <>{input.description} · </>}
      {input.type === 'object' || input.type === 'array' ? `${input.type} (JSON)` : input.type}
      {input.required && <strong className="run-input-required"> · required</strong>}
    </>
  );
  const common = { label: input.name, hint, error, name: input.name, 'aria-required': input.required ? true : undefined };
  switch (input.type) {
    case 'boolean':
      return <CheckboxField {...common} checked={value === true} onChange={(event) => onChange(event.target.checked)} />;
    case 'number':
      return <TextField {...common} type="number" step="any" inputMode="decimal" value={String(value)} onChange={(event) => onChange(event.target.value)} />;
    case 'string':
      return <TextField {...common} type="text" value={String(value)} onChange={(event) => onChange(event.target.value)} />;
    default:
      return (
        <TextAreaField
          {...common}
          spellCheck={false}
          rows={4}
          placeholder={input.type === 'array' ? '[]' : '{}'}
          value={String(value)}
          onChange={(event) => onChange(event.target.value)}
        />
      );
  }
}
