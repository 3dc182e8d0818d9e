import { setTimeout as sleep } from 'node:timers/promises';
import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { AsyncLocalStorageContextManager } from './context-manager.js';

const KEY = createContextKey('test');
const withValue = (value: string) => ROOT_CONTEXT.setValue(KEY, value);

describe('AsyncLocalStorageContextManager', () => {
  it('is the root context outside of with()', () => {
    expect(new AsyncLocalStorageContextManager().enable().active()).toBe(ROOT_CONTEXT);
  });

  it('keeps the context across awaits and timers, and restores the outer one after', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    const seen = await manager.with(withValue('outer'), async () => {
      await sleep(1);
      const inner = await manager.with(withValue('inner'), async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return manager.active().getValue(KEY);
      });
      return [inner, manager.active().getValue(KEY)];
    });
    expect(seen).toEqual(['inner', 'outer']);
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('passes thisArg and arguments through with()', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    const target = { factor: 3 };
    const result = manager.with(withValue('x'), function (this: typeof target, a: number) {
      return this.factor * a;
    }, target, 2);
    expect(result).toBe(6);
  });

  it('binds a function to the context it was bound with, wherever it is called', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    const read = manager.bind(withValue('bound'), () => manager.active().getValue(KEY));
    expect(manager.with(withValue('caller'), read)).toBe('bound');
    const emitterLike = { on: () => undefined };
    expect(manager.bind(withValue('bound'), emitterLike)).toBe(emitterLike);
  });
});
