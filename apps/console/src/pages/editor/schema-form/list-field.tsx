import type { ReactNode } from 'react';
import { useFormContext, useProblemAt } from './form-context';
import { useRowFocus } from './use-row-focus';
import { defaultValue, fieldKind, type JsonSchema } from './json-schema';
import { capitalize, humanize, nounOf } from './labels';
import { childPointer, GroupFields, SchemaField, type FieldProps } from './schema-field';

/**
 * An array as rows (start inputs, if_else conditions, llm messages): each row is a group of
 * fields named after the item (`Input name`, `Message role`), with its own Remove button.
 */
export function ListField({ schema, name, label, value, onChange, pointer, item }: FieldProps & { item: JsonSchema }) {
  const { readOnly } = useFormContext();
  const error = useProblemAt(pointer);
  const items = Array.isArray(value) ? value : [];
  const noun = nounOf(name);
  const Noun = capitalize(noun);
  const itemKind = fieldKind(item);
  const full = schema.maxItems !== undefined && items.length >= schema.maxItems;
  const setItem = (i: number, next: unknown, group: string | null) => onChange(items.map((old, j) => (j === i ? next : old)), group);
  const focus = useRowFocus();

  return (
    <fieldset ref={focus.container} className={error ? 'schema-list schema-invalid' : 'schema-list'}>
      <legend>{label}</legend>
      {schema.description && <p className="field-hint">{schema.description}</p>}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {items.length === 0 && <p className="muted schema-empty">No {humanize(name) || 'items'} yet.</p>}
      {items.map((entry, i) => (
        <ListRow key={i} legend={`${Noun} ${i + 1}`} pointer={childPointer(pointer, i)} onRemove={
            readOnly
              ? undefined
              : () => {
                  focus.focusAdd();
                  onChange(
                    items.filter((_, j) => j !== i),
                    null,
                  );
                }
          } removeLabel={`Remove ${noun} ${i + 1}`}>
          {itemKind.kind === 'group' ? (
            <GroupFields
              properties={itemKind.properties}
              requiredNames={itemKind.required}
              value={entry}
              pointer={childPointer(pointer, i)}
              onChange={(next, group) => setItem(i, next, group)}
              // Booleans read as a question ("Required"); other fields carry the item's name.
              labelOf={(property, propertySchema) => (fieldKind(propertySchema).kind === 'boolean' ? capitalize(humanize(property)) : `${Noun} ${humanize(property)}`)}
            />
          ) : (
            <SchemaField schema={item} name="" label={Noun} value={entry} pointer={childPointer(pointer, i)} required onChange={(next, group) => setItem(i, next, group)} />
          )}
        </ListRow>
      ))}
      {!readOnly && (
        <button
          ref={focus.addButton}
          type="button"
          className="button button-small"
          disabled={full}
          onClick={() => {
            focus.focusRow(items.length);
            onChange([...items, defaultValue(item)], null);
          }}
        >
          Add {noun}
        </button>
      )}
    </fieldset>
  );
}

function ListRow({ legend, pointer, onRemove, removeLabel, children }: { legend: string; pointer: string; onRemove?: () => void; removeLabel: string; children: ReactNode }) {
  const error = useProblemAt(pointer);
  return (
    <fieldset className={error ? 'schema-row schema-invalid' : 'schema-row'}>
      <legend>{legend}</legend>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {children}
      {onRemove && (
        <button type="button" className="button button-small button-danger schema-remove" aria-label={removeLabel} onClick={onRemove}>
          Remove
        </button>
      )}
    </fieldset>
  );
}
