/** The API's rule for slugs (API.md: `[a-z0-9-]{3,64}`), checked before asking. */
const slugShape = /^[a-z0-9-]{3,64}$/;

/** What is wrong with a slug, in words, or undefined when it is fine. */
export function slugProblem(slug: string): string | undefined {
  if (slug.length < 3) return 'At least 3 characters.';
  if (slug.length > 64) return 'At most 64 characters.';
  if (!slugShape.test(slug)) return 'Only lower-case letters, digits and dashes (a-z, 0-9, -).';
  return undefined;
}

/** A slug suggested by a workflow's name: "Invoice parser" → "invoice-parser". */
export function slugFrom(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}
