/** What one item of a list or one row of a map is called, by the field's name. */
const NOUNS: Readonly<Record<string, string>> = {
  inputs: 'input',
  outputs: 'output',
  conditions: 'condition',
  messages: 'message',
  headers: 'header',
  query: 'query parameter',
  values: 'variable',
  nodes: 'node',
  edges: 'edge',
};

export function nounOf(name: string): string {
  if (Object.hasOwn(NOUNS, name)) return NOUNS[name]!;
  const words = humanize(name);
  if (words === '') return 'item';
  return words.endsWith('s') ? words.slice(0, -1) : words;
}

/** `max_tokens` → `max tokens`. */
export function humanize(name: string): string {
  return name.replace(/_/g, ' ').trim();
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
