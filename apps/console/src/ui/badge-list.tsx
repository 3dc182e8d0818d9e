/** A short list of words shown as badges (a key's scopes, a provider's models), named for assistive technology. */
export function BadgeList({ label, items }: { label: string; items: readonly string[] }) {
  return (
    <ul className="badge-list" aria-label={label}>
      {items.map((item) => (
        <li key={item} className="badge">
          {item}
        </li>
      ))}
    </ul>
  );
}
