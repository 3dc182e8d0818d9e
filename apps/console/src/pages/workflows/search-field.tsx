import { useEffect, useId, useState } from 'react';
import { useSearchParams } from 'react-router';

/** How long typing must pause before the search is asked for. */
export const SEARCH_DEBOUNCE_MS = 250;

/**
 * A search box whose value lives in the URL (`?q=`), so a search can be bookmarked and survives
 * going back. The URL follows the typing once it pauses, and the list follows the URL.
 */
export function SearchField({ label, placeholder, className }: { label: string; placeholder?: string; className?: string }) {
  const id = useId();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  // The URL changed under us (back, a "clear search" link): the box shows what the list shows.
  const [shown, setShown] = useState(q);
  if (q !== shown) {
    setShown(q);
    if (q !== text.trim()) setText(q);
  }

  useEffect(() => {
    if (text.trim() === q) return;
    const timer = setTimeout(() => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (text.trim()) next.set('q', text.trim());
          else next.delete('q');
          return next;
        },
        { replace: true },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, q, setParams]);

  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="search" value={text} placeholder={placeholder} maxLength={200} autoComplete="off" onChange={(event) => setText(event.target.value)} />
    </div>
  );
}
