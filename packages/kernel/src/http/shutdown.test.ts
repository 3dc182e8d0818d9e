import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../observability/index.js';
import { installShutdown } from './shutdown.js';

const logger = createLogger({ level: 'silent' });

/** An injected exit that records codes and lets a test await the first one. */
function fakeExit() {
  const codes: number[] = [];
  let resolveFirst: (code: number) => void = () => {};
  const first = new Promise<number>((resolve) => {
    resolveFirst = resolve;
  });
  const exit = (code: number) => {
    codes.push(code);
    resolveFirst(code);
  };
  return { exit, codes, first };
}

const listenerCounts = () => ({ term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') });

let uninstall: (() => void) | undefined;

afterEach(() => {
  uninstall?.();
  uninstall = undefined;
  vi.useRealTimers();
});

describe('installShutdown', () => {
  it('closes, then exits 0, on SIGTERM', async () => {
    const order: string[] = [];
    const { exit, codes, first } = fakeExit();
    uninstall = installShutdown({
      logger,
      graceMs: 60_000,
      close: async () => {
        order.push('close');
      },
      exit: (code) => {
        order.push(`exit ${code}`);
        exit(code);
      },
    });

    process.emit('SIGTERM');

    expect(await first).toBe(0);
    expect(order).toEqual(['close', 'exit 0']);
    expect(codes).toEqual([0]);
  });

  it('does the same on SIGINT', async () => {
    const { exit, first } = fakeExit();
    uninstall = installShutdown({ logger, graceMs: 60_000, close: async () => {}, exit });
    process.emit('SIGINT');
    expect(await first).toBe(0);
  });

  it('exits 1 when close never finishes within the grace period', async () => {
    const { exit, codes, first } = fakeExit();
    let closeCalls = 0;
    uninstall = installShutdown({
      logger,
      graceMs: 5,
      close: () => {
        closeCalls += 1;
        return new Promise<void>(() => {});
      },
      exit,
    });

    process.emit('SIGTERM');

    expect(await first).toBe(1);
    expect(closeCalls).toBe(1);
    expect(codes).toEqual([1]);
  });

  it('exits 1 when close fails, once, even after the grace period passes', async () => {
    vi.useFakeTimers();
    const { exit, codes, first } = fakeExit();
    uninstall = installShutdown({
      logger,
      graceMs: 1000,
      close: async () => {
        throw new Error('pool would not close');
      },
      exit,
    });

    process.emit('SIGTERM');
    expect(await first).toBe(1);
    await vi.advanceTimersByTimeAsync(5000);

    expect(codes).toEqual([1]);
  });

  it('does not exit 0 after the grace period already exited 1', async () => {
    vi.useFakeTimers();
    const { exit, codes } = fakeExit();
    let finishClose: () => void = () => {};
    uninstall = installShutdown({
      logger,
      graceMs: 1000,
      close: () =>
        new Promise<void>((resolve) => {
          finishClose = resolve;
        }),
      exit,
    });

    process.emit('SIGTERM');
    await vi.advanceTimersByTimeAsync(1000);
    expect(codes).toEqual([1]);

    finishClose();
    await vi.advanceTimersByTimeAsync(0);
    expect(codes).toEqual([1]);
  });

  it('exits 1 at once on a second signal, and closes only once', async () => {
    const { exit, codes, first } = fakeExit();
    let closeCalls = 0;
    uninstall = installShutdown({
      logger,
      graceMs: 60_000,
      close: () => {
        closeCalls += 1;
        return new Promise<void>(() => {});
      },
      exit,
    });

    process.emit('SIGTERM');
    process.emit('SIGINT');

    expect(await first).toBe(1);
    expect(codes).toEqual([1]);
    expect(closeCalls).toBe(1);
  });

  it('removes its listeners when uninstalled', async () => {
    const before = listenerCounts();
    let closeCalls = 0;
    const remove = installShutdown({
      logger,
      graceMs: 10,
      close: async () => {
        closeCalls += 1;
      },
      exit: () => {},
    });
    expect(listenerCounts()).toEqual({ term: before.term + 1, int: before.int + 1 });

    remove();

    expect(listenerCounts()).toEqual(before);
    if (before.term === 0) {
      process.emit('SIGTERM');
      expect(closeCalls).toBe(0);
    }
  });
});
