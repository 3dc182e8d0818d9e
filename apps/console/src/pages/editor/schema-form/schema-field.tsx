import { CheckboxField, SelectField, TextField } from '../../../ui/fields';
import { isPlainObject } from '../model/graph';
import { AnyField, TextControl } from './any-field';
import { useProblemAt } from './form-context';
import { fieldKind, type JsonSchema } from './json-schema';
import { capitalize, humanize } from './labels';
import { ListField } from './list-field';
import { MapField } from './map-field';

/**
 * A change of a value, with the undo group it belongs to: keystrokes in one control share their
 * control's pointer and make one undo step; structural changes (add, remove) pass null.
 */
export type Change = (value: unknown, group: string | null) => void;

export interface FieldProps {
  schema: JsonSchema;
  /** The property (or map key) the value is under; '' for list items. */
  name: string;
  label: string;
  value: unknown;
  onChange: Change;
  /** Where the value is, as a JSON Pointer inside the node's data. */
  pointer: string;
  required: boolean;
  /** The value may be a reference or text (map values, "reference or literal" slots). */
  preferText?: boolean;
}

export function childPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** An object with one field set (or removed, for undefined), its other fields in their order. */
function withField(object: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> {
  const next = { ...object };
  if (value === undefined) delete next[name];
  else next[name] = value;
  return next;
}

/** The control for one value, chosen by its schema. */
export function SchemaField(props: FieldProps) {
  const kind = fieldKind(props.schema, props.name);
  switch (kind.kind) {
    case 'text':
      return <TextControl {...props} multiline={kind.multiline} />;
    case 'number':
      return <NumberControl {...props} integer={kind.integer} />;
    case 'boolean':
      return <BooleanControl {...props} />;
    case 'choice':
      return <ChoiceControl {...props} options={kind.options} />;
    case 'const':
      return <TextField label={props.label} value={String(kind.value)} readOnly hint={props.schema.description} />;
    case 'list':
      return <ListField {...props} item={kind.item} />;
    case 'map':
      return <MapField {...props} valueSchema={kind.value} />;
    case 'group':
      return (
        <fieldset className="schema-group">
          <legend>{props.label}</legend>
          <GroupFields {...props} properties={kind.properties} requiredNames={kind.required} labelOf={(name) => capitalize(humanize(name))} />
        </fieldset>
      );
    case 'any':
      return <AnyField {...props} preferText={props.preferText || /reference/i.test(props.schema.description ?? '')} />;
  }
}

/** The fields of an object's known properties, in the schema's order. */
export function GroupFields({
  properties,
  requiredNames,
  value,
  onChange,
  pointer,
  labelOf,
}: Pick<FieldProps, 'value' | 'onChange' | 'pointer'> & { properties: Record<string, JsonSchema>; requiredNames: readonly string[]; labelOf: (name: string, schema: JsonSchema) => string }) {
  const object = isPlainObject(value) ? value : {};
  return (
    <>
      {Object.entries(properties).map(([name, schema]) => (
        <SchemaField
          key={name}
          schema={schema}
          name={name}
          label={labelOf(name, schema)}
          value={object[name]}
          pointer={childPointer(pointer, name)}
          required={requiredNames.includes(name)}
          onChange={(next, group) => onChange(withField(object, name, next), group)}
        />
      ))}
    </>
  );
}

function NumberControl({ schema, label, value, onChange, pointer, required, integer }: FieldProps & { integer: boolean }) {
  const error = useProblemAt(pointer);
  return (
    <TextField
      label={label}
      type="number"
      inputMode={integer ? 'numeric' : 'decimal'}
      step={integer ? 1 : 'any'}
      min={schema.minimum}
      max={schema.maximum}
      value={typeof value === 'number' ? value : ''}
      aria-required={required || undefined}
      hint={schema.description ?? (schema.default !== undefined ? `Default ${String(schema.default)}.` : undefined)}
      error={error}
      onChange={(event) => {
        const text = event.target.value;
        if (text === '') return onChange(undefined, pointer);
        const number = Number(text);
        if (Number.isFinite(number)) onChange(number, pointer);
      }}
    />
  );
}

function BooleanControl({ schema, label, value, onChange, pointer }: FieldProps) {
  const error = useProblemAt(pointer);
  return <CheckboxField label={label} checked={value === true} hint={schema.description} error={error} onChange={(event) => onChange(event.target.checked, null)} />;
}

function ChoiceControl({ schema, label, value, onChange, pointer, required, options }: FieldProps & { options: string[] }) {
  const error = useProblemAt(pointer);
  const current = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  const choices = options.map((option) => ({ value: option, label: option }));
  // A value the schema does not allow (typed in the JSON view) stays visible, so it can be fixed.
  if (current !== '' && !options.includes(current)) choices.unshift({ value: current, label: `${current} (not allowed)` });
  if (current === '' || !required) {
    const blank = required ? 'Choose…' : schema.default !== undefined ? `(default: ${String(schema.default)})` : '(none)';
    choices.unshift({ value: '', label: blank });
  }
  return (
    <SelectField
      label={label}
      value={current}
      options={choices}
      hint={schema.description}
      error={error}
      aria-required={required || undefined}
      onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value, null)}
    />
  );
}
