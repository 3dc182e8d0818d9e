import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Notices when code inside a transaction callback calls back into the database's top-level
 * methods instead of the `tx` it was given. On PGlite that call would queue behind the very
 * transaction waiting for it and never return; on PostgreSQL it would quietly run outside the
 * transaction. Both are bugs, so both drivers throw, which keeps module code portable.
 */
export class TransactionGuard {
  readonly #insideTransaction = new AsyncLocalStorage<true>();

  /** Runs `fn` as the body of a transaction of this database. */
  runInside<T>(fn: () => Promise<T>): Promise<T> {
    return this.#insideTransaction.run(true, fn);
  }

  assertOutside(operation: string): void {
    if (this.#insideTransaction.getStore() === true) {
      throw new Error(`${operation} was called inside a transaction of the same database; use the tx passed to the transaction callback`);
    }
  }

  /**
   * Wraps a driver client (PGlite instance or pg Pool) before Drizzle sees it, so `db.orm` is
   * guarded too: `checked` methods assert they are called outside a transaction, `entering`
   * methods also run their callback as a transaction body.
   */
  wrapClient<C extends object>(client: C, methods: { checked: readonly string[]; entering?: readonly string[] }): C {
    return new Proxy(client, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        // Bound to the real client: PGlite keeps its state in private fields a Proxy cannot reach.
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        if (typeof property !== 'string') return method;
        if (methods.entering?.includes(property)) {
          return (...args: unknown[]) => {
            this.assertOutside(`db.orm (${property})`);
            return this.runInside(async () => method(...args));
          };
        }
        if (methods.checked.includes(property)) {
          return (...args: unknown[]) => {
            this.assertOutside(`db.orm (${property})`);
            return method(...args);
          };
        }
        return method;
      },
    });
  }
}
