import { useEffect, useRef } from 'react';

/**
 * Keeps the keyboard where the user is after rows change: on the first control of a row just
 * added, or on the Add button after a row was removed (its own button is gone).
 */
export function useRowFocus() {
  const container = useRef<HTMLFieldSetElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const pending = useRef<{ row: number } | 'add' | null>(null);
  useEffect(() => {
    const target = pending.current;
    if (target === null) return;
    pending.current = null;
    if (target === 'add') return addButton.current?.focus();
    const rows = container.current?.querySelectorAll(':scope > fieldset.schema-row');
    const control = rows?.[target.row]?.querySelector<HTMLElement>('input:not([readonly]), select, textarea');
    control?.focus();
    // A generated name (`output_1`) is selected, so typing replaces it.
    if (control instanceof HTMLInputElement) control.select();
  });
  return {
    container,
    addButton,
    focusRow: (row: number) => (pending.current = { row }),
    focusAdd: () => (pending.current = 'add'),
  };
}
