/** A JSON value as indented text; `undefined` and `null` as a dash, since both mean "nothing" here. */
export function JsonView({ value }: { value: unknown }) {
  if (value === undefined || value === null) return <p className="muted json-none">—</p>;
  return (
    // Focusable so that a long value can be scrolled with the keyboard.
    <pre className="json-view" tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
