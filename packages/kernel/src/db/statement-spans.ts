import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { spansAreExported } from '../observability/span-export.js';

const TRACER = 'flowgate-db';
// PGlite is PostgreSQL too: same SQL, and the semantic conventions know no other name for it.
const SYSTEM = 'postgresql';

/**
 * A database span is made only when spans are exported and the caller is inside a recording span
 * (a request, a batch): statements of background loops with no trace would each start one, and
 * the query path must cost nothing extra when nothing is exported.
 */
function spanWanted(): boolean {
  return spansAreExported() && trace.getActiveSpan()?.isRecording() === true;
}

/**
 * A statement's first keyword, upper-cased (`SELECT`, `INSERT`, `BEGIN`…), after leading spaces,
 * comments and parentheses. Only that: the rest of the text may hold literals.
 */
export function sqlOperation(text: string): string | undefined {
  let at = 0;
  while (at < text.length) {
    if (text.startsWith('--', at)) {
      const end = text.indexOf('\n', at);
      if (end < 0) return undefined;
      at = end + 1;
    } else if (text.startsWith('/*', at)) {
      const end = text.indexOf('*/', at + 2);
      if (end < 0) return undefined;
      at = end + 2;
    } else if (text[at] === '(' || /\s/.test(text[at]!)) {
      at++;
    } else {
      break;
    }
  }
  return /^[A-Za-z]+/.exec(text.slice(at, at + 32))?.[0].toUpperCase();
}

/**
 * Runs one statement in a `db.query` span (kind CLIENT), when one is wanted; `statement` is the
 * SQL text or node-postgres' `{ text }`. Otherwise `run` is called as it is, result untouched.
 */
export function statementSpan<T>(statement: unknown, run: () => T): T | Promise<Awaited<T>> {
  if (!spanWanted()) return run();
  const text = statementText(statement);
  const operation = text === undefined ? undefined : sqlOperation(text);
  const span = trace.getTracer(TRACER).startSpan('db.query', {
    kind: SpanKind.CLIENT,
    attributes: operation === undefined ? { 'db.system': SYSTEM } : { 'db.system': SYSTEM, 'db.operation': operation },
  });
  return runToEnd(span, run);
}

/**
 * Runs a transaction in a `db.transaction` span, the parent of its statements' spans, when one
 * is wanted; `run` receives whether it is, to wrap the transaction's client only then.
 */
export function transactionSpan<T>(run: (spanned: boolean) => T): T | Promise<Awaited<T>> {
  if (!spanWanted()) return run(false);
  return trace.getTracer(TRACER).startActiveSpan('db.transaction', { attributes: { 'db.system': SYSTEM } }, (span) => runToEnd(span, () => run(true)));
}

async function runToEnd<T>(span: Span, run: () => T): Promise<Awaited<T>> {
  try {
    return await run();
  } catch (error) {
    // The SQLSTATE (or the error's name), never the message: PostgreSQL quotes values in it.
    const { code } = error as { code?: unknown };
    span.setAttribute('error.type', typeof code === 'string' ? code : error instanceof Error ? error.name : typeof error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

export interface SpannedMethods {
  /** Methods whose first argument is a statement: SQL text, or node-postgres' `{ text }`. */
  statements: readonly string[];
  /** A method whose callback runs a transaction on the client it receives (PGlite's `transaction`). */
  transaction?: string;
  /** A method resolving to a client of its own (a pool's `connect`), whose statements are spanned too. */
  connect?: string;
}

/**
 * Wraps a driver client (a PGlite instance or transaction, a pg pool or client) so that what
 * runs through it, Drizzle's statements included, makes database spans. Methods are bound to the
 * real client: PGlite keeps its state in private fields a Proxy cannot reach.
 */
export function withStatementSpans<C extends object>(client: C, methods: SpannedMethods): C {
  const inner: SpannedMethods = { statements: methods.statements };
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof property !== 'string') return method;
      if (methods.statements.includes(property)) {
        return (...args: unknown[]) => statementSpan(args[0], () => method(...args));
      }
      if (property === methods.transaction) {
        return (fn: (tx: object) => unknown, ...rest: unknown[]) =>
          transactionSpan((spanned) => method(spanned ? (tx: object) => fn(withStatementSpans(tx, inner)) : fn, ...rest));
      }
      if (property === methods.connect) {
        // The promise form, and only while a span is wanted; otherwise the client is the pool's own.
        return (...args: unknown[]) =>
          args.length > 0 || !spanWanted() ? method(...args) : (method() as Promise<object>).then((connection) => withStatementSpans(connection, inner));
      }
      return method;
    },
  });
}

function statementText(statement: unknown): string | undefined {
  if (typeof statement === 'string') return statement;
  const text = (statement as { text?: unknown } | null | undefined)?.text;
  return typeof text === 'string' ? text : undefined;
}
