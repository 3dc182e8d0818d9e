/** Another process's Prometheus text exposition, and the labels that say where it came from. */
export interface ScrapedExposition {
  labels: Record<string, string>;
  text: string;
}

const escapeLabel = (value: string) => value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

/** `name{a="1"} 3` with `extra` (`k="v",…`) added to its labels. */
function labelled(sample: string, extra: string): string {
  const space = sample.indexOf(' ');
  const brace = sample.indexOf('{');
  if (brace === -1 || (space !== -1 && space < brace)) return `${sample.slice(0, space)}{${extra}}${sample.slice(space)}`;
  const rest = sample.slice(brace + 1);
  return `${sample.slice(0, brace)}{${extra}${rest.startsWith('}') ? '' : ','}${rest}`;
}

/**
 * One exposition from this process's and others' (the gateway's `/metrics` in the split
 * topology): every family once, with its HELP and TYPE once and all its samples together, as the
 * text format requires; the others' samples carry their `labels` (service, instance).
 */
export function mergeExpositions(own: string, scraped: ScrapedExposition[]): string {
  const families = new Map<string, { meta: string[]; samples: string[] }>();
  const familyOf = (name: string) => {
    let family = families.get(name);
    if (!family) families.set(name, (family = { meta: [], samples: [] }));
    return family;
  };
  const add = (text: string, extra?: string) => {
    let current: { meta: string[]; samples: string[] } | undefined;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
        current = familyOf(line.split(' ')[2] ?? '');
        if (!current.meta.some((meta) => meta.startsWith(line.slice(0, 7)))) current.meta.push(line);
        continue;
      }
      if (line.startsWith('#')) continue;
      // A sample before any TYPE line (untyped) is a family of its own name.
      const family = current ?? familyOf(line.split(/[{ ]/, 1)[0] ?? '');
      family.samples.push(extra ? labelled(line, extra) : line);
    }
  };
  add(own);
  for (const { labels, text } of scraped) add(text, Object.entries(labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(','));
  return [...families.values()].map((family) => [...family.meta, ...family.samples].join('\n')).join('\n') + '\n';
}
