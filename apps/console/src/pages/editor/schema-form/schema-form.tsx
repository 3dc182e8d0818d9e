import { isPlainObject } from '../model/graph';
import { AnyField } from './any-field';
import { fieldKind, type JsonSchema } from './json-schema';
import { GroupFields } from './schema-field';

/**
 * The form of a node's data, generated from its type's JSON Schema: one control per property,
 * labelled with the property's name (`template`, `url`), lists and maps as rows.
 */
export function SchemaForm({ schema, value, onChange }: { schema: JsonSchema; value: Record<string, unknown>; onChange: (value: Record<string, unknown>, group: string | null) => void }) {
  const kind = fieldKind(schema);
  if (kind.kind !== 'group') {
    // A type whose data is not described field by field is edited as JSON.
    return <AnyField schema={schema} name="data" label="data" value={value} pointer="" required onChange={(next, group) => onChange(isPlainObject(next) ? next : {}, group)} />;
  }
  return (
    <div className="schema-form">
      <GroupFields properties={kind.properties} requiredNames={kind.required} value={value} pointer="" onChange={(next, group) => onChange(next as Record<string, unknown>, group)} labelOf={(name) => name} />
    </div>
  );
}
