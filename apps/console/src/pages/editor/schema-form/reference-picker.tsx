import { useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useFormContext } from './form-context';

type TextElement = HTMLInputElement | HTMLTextAreaElement;

/**
 * A button beside a text control that lists the `{{ node.field }}` references the node can use
 * and inserts the chosen one at the control's cursor (or over its selection).
 */
export function ReferencePicker({ label, fieldRef, value, onChange }: { label: string; fieldRef: RefObject<HTMLElement | null>; value: string; onChange: (next: string) => void }) {
  const { references, readOnly } = useFormContext();
  const [open, setOpen] = useState(false);
  const listId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  if (readOnly) return null;

  const control = () => fieldRef.current?.querySelector<TextElement>('input, textarea') ?? null;

  function insert(path: string) {
    const element = control();
    const from = element?.selectionStart ?? value.length;
    const to = element?.selectionEnd ?? from;
    // `env.` is a prefix to complete: the cursor lands after the dot.
    const before = `{{ ${path}`;
    const token = `${before} }}`;
    onChange(value.slice(0, from) + token + value.slice(to));
    setOpen(false);
    const caret = from + (path.endsWith('.') ? before.length : token.length);
    setTimeout(() => {
      element?.focus();
      element?.setSelectionRange(caret, caret);
    });
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape' && open) {
      event.stopPropagation();
      setOpen(false);
      toggle.current?.focus();
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const buttons = [...(list.current?.querySelectorAll('button') ?? [])];
      const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
      const next = buttons[(at + (event.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length];
      if (next) {
        event.preventDefault();
        next.focus();
      }
    }
  }

  return (
    <div
      className="ref-picker"
      onKeyDown={onKeyDown}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        ref={toggle}
        type="button"
        className="button button-small ref-picker-toggle"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        // The name stays short and free of the field's label, so the label names only the field.
        aria-label="Insert reference"
        title={`Insert a reference into ${label}`}
        onClick={() => {
          setOpen(!open);
          if (!open) setTimeout(() => list.current?.querySelector('button')?.focus());
        }}
      >
        {'{{ }}'}
      </button>
      {open && (
        <ul id={listId} ref={list} className="ref-picker-list" aria-label="References">
          {references.map((reference) => (
            <li key={reference.path}>
              <button type="button" onClick={() => insert(reference.path)}>
                <code>{`{{ ${reference.path}${reference.path.endsWith('.') ? '…' : ''} }}`}</code>
                {reference.type && <small className="muted"> {reference.type}</small>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
