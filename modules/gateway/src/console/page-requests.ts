import type { IncomingMessage } from 'node:http';

/**
 * First path segments that belong to the platform, never to the console's client-side routes:
 * an unknown path under them stays a 404 problem even for a browser.
 */
const platformSegments = new Set(['api', 'health', 'metrics', 'docs', 'openapi.json', '.well-known', 'assets', 'internal']);

/** Does the Accept header name text/html (or text/*) with a quality above zero? `*\/*` alone does not count. */
export function acceptsHtml(accept: string | undefined): boolean {
  // The fast way out for API clients, which this runs for too.
  if (!accept || !/text\//i.test(accept)) return false;
  return accept.split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'text/html' && type !== 'text/*') return false;
    const quality = parameters.find((p) => p.startsWith('q='));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}

function firstSegment(url: string): string {
  const path = url.split('?', 1)[0]!;
  const end = path.indexOf('/', 1);
  return path.slice(1, end === -1 ? undefined : end);
}

/**
 * A browser asking for a page of the console by its address (a deep link, a reload): the
 * console's client-side router, not the server, knows whether it exists. A router constraint, so
 * that every other request matches exactly the routes it matched before: an unknown API path or a
 * script's request stays today's 404 problem, rate limited as before.
 */
export const consolePageConstraint = {
  name: 'consolePage',
  storage() {
    const handlers = new Map<boolean, unknown>();
    return {
      get: (value: boolean) => (handlers.get(value) ?? null) as never,
      set: (value: boolean, handler: unknown) => void handlers.set(value, handler),
    };
  },
  deriveConstraint: (request: IncomingMessage) => acceptsHtml(request.headers.accept) && !platformSegments.has(firstSegment(request.url ?? '/')),
  mustMatchWhenDerived: false,
};
