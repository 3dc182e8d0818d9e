/** A run's or node's status, in words and colour (the word carries the meaning, not the colour). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}
