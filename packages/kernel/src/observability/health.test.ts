import { describe, expect, it, vi } from 'vitest';
import { createHealthRegistry, type HealthCheckOutcome } from './health.js';

function setup(options: { started?: boolean } = {}) {
  let now = Date.parse('2026-11-22T10:00:00.000Z');
  const clock = {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
  const health = createHealthRegistry({ version: '1.4.0', topology: 'monolith', clock: clock.now });
  if (options.started !== false) health.markStarted();
  return { health, clock };
}

/** A check function that counts its calls and answers what it is told. */
function fakeCheck(answer: () => Promise<HealthCheckOutcome> | HealthCheckOutcome) {
  const fake = { calls: 0, check: async () => {
    fake.calls += 1;
    return answer();
  } };
  return fake;
}

describe('createHealthRegistry', () => {
  it('is degraded when a remote module reports one of its own checks failing, listed under its name', async () => {
    const { health, clock } = setup();
    let buffered = false;
    health.register('engine', { kind: 'module', critical: true, remote: true, check: async () => ({ ok: true, dependencies: [{ name: 'engine-events', ok: !buffered }, { name: 'bus', ok: true }] }) });
    health.register('bus', { kind: 'dependency', critical: false, check: async () => ({ ok: true }) });

    expect(await health.ready()).toMatchObject({ ok: true, status: 'ok', checks: [{ name: 'engine', ok: true }, { name: 'bus', ok: true }, { name: 'engine-events', kind: 'dependency', critical: false, ok: true }] });
    buffered = true;
    clock.advance(1000);
    const ready = await health.ready();
    expect(ready).toMatchObject({ ok: true, status: 'degraded' });
    expect(ready.checks.filter((c) => c.name === 'bus')).toHaveLength(1);
    expect(ready.checks.find((c) => c.name === 'engine-events')).toMatchObject({ ok: false });
  });

  it('watches: runs the checks unasked and reports a check that starts failing and one that recovers', async () => {
    const { health } = setup();
    let up = true;
    const engine = fakeCheck(() => ({ ok: up, detail: up ? undefined : 'refused' }));
    health.register('engine', { kind: 'module', critical: true, remote: true, check: engine.check });
    const changes: { name: string; ok: boolean }[] = [];
    const stop = health.watch(10, (report) => changes.push({ name: report.name, ok: report.ok }));
    await vi.waitFor(() => expect(engine.calls).toBeGreaterThan(1));
    expect(changes).toEqual([]);
    up = false;
    await vi.waitFor(() => expect(changes).toEqual([{ name: 'engine', ok: false }]));
    up = true;
    await vi.waitFor(() => expect(changes).toEqual([{ name: 'engine', ok: false }, { name: 'engine', ok: true }]));
    stop();
  });

  it('leaves modules reached elsewhere out of the self scope, without running their checks', async () => {
    const { health } = setup();
    const database = fakeCheck(() => ({ ok: true }));
    const engine = fakeCheck(() => ({ ok: false, detail: 'refused' }));
    health.register('database', { kind: 'dependency', critical: true, check: database.check });
    health.register('engine', { kind: 'module', critical: true, remote: true, location: 'http://engine:8000', check: engine.check });

    expect(await health.ready('self')).toMatchObject({ ok: true, status: 'ok', checks: [{ name: 'database' }] });
    expect(engine.calls).toBe(0);
    expect(await health.ready()).toMatchObject({ ok: false, status: 'down' });
    expect(engine.calls).toBe(1);
  });

  it('is ready and ok when every check passes, with details for admins', async () => {
    const { health, clock } = setup();
    health.register('database', {
      kind: 'dependency',
      critical: true,
      check: async () => {
        clock.advance(12);
        return { ok: true, version: 'PostgreSQL 16.4' };
      },
    });
    health.register('logs', {
      kind: 'module',
      critical: false,
      location: 'http://logs:8000',
      check: async () => ({ ok: true, latencyMs: 3, version: '1.4.0' }),
    });

    expect(await health.ready()).toEqual({
      ok: true,
      version: '1.4.0',
      status: 'ok',
      started: true,
      checks: [
        { name: 'database', kind: 'dependency', critical: true, ok: true },
        { name: 'logs', kind: 'module', critical: false, ok: true },
      ],
    });
    const detailed = await health.detailed();
    expect(detailed).toMatchObject({ status: 'ok', version: '1.4.0', topology: 'monolith', started_at: '2026-11-22T10:00:00.000Z' });
    expect(detailed.checks).toEqual([
      expect.objectContaining({ name: 'database', latency_ms: 12, location: 'local', version: 'PostgreSQL 16.4', detail: null }),
      expect.objectContaining({ name: 'logs', latency_ms: 3, location: 'http://logs:8000', version: '1.4.0' }),
    ]);
    expect(detailed.checks[0]!.checked_at).toBe('2026-11-22T10:00:00.012Z');
    expect(await health.summary()).toEqual({ status: 'ok', version: '1.4.0', topology: 'monolith' });
  });

  it('is not ready and down when a critical check fails, naming it but not its error text', async () => {
    const { health } = setup();
    health.register('database', { kind: 'dependency', critical: true, check: async () => ({ ok: false, detail: 'connect ECONNREFUSED 10.0.0.5:5432' }) });
    health.register('bus', { kind: 'dependency', critical: true, check: async () => ({ ok: true }) });
    const ready = await health.ready();
    expect(ready).toMatchObject({ ok: false, status: 'down' });
    expect(ready.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['database']);
    expect(JSON.stringify(ready)).not.toContain('ECONNREFUSED');
    expect((await health.detailed()).checks[0]!.detail).toBe('connect ECONNREFUSED 10.0.0.5:5432');
  });

  it('stays ready but degraded when only a non-critical check fails', async () => {
    const { health } = setup();
    health.register('database', { kind: 'dependency', critical: true, check: async () => ({ ok: true }) });
    health.register('redis', { kind: 'dependency', critical: false, check: async () => ({ ok: false }) });
    expect(await health.ready()).toMatchObject({ ok: true, status: 'degraded' });
    expect((await health.summary()).status).toBe('degraded');
  });

  it('turns a throwing check, synchronous or not, into a failure with its message', async () => {
    const { health } = setup();
    health.register('async', { kind: 'dependency', critical: false, check: async () => Promise.reject(new Error('no route to host')) });
    health.register('sync', {
      kind: 'dependency',
      critical: false,
      check: () => {
        throw new Error('bad config');
      },
    });
    const { checks } = await health.detailed();
    expect(checks.map((c) => [c.name, c.ok, c.detail])).toEqual([
      ['async', false, 'no route to host'],
      ['sync', false, 'bad config'],
    ]);
  });

  it('gives up on a check that does not answer within its timeout', async () => {
    const { health } = setup();
    health.register('hung', { kind: 'module', critical: true, timeoutMs: 20, check: () => new Promise(() => {}) });
    const ready = await health.ready();
    expect(ready).toMatchObject({ ok: false, status: 'down' });
    expect((await health.detailed()).checks[0]).toMatchObject({ ok: false, detail: 'timed out after 20 ms' });
  });

  it('reuses results for a second, so a flood of probes calls each dependency once', async () => {
    const { health, clock } = setup();
    const database = fakeCheck(() => ({ ok: true }));
    health.register('database', { kind: 'dependency', critical: true, check: database.check });

    await Promise.all(Array.from({ length: 20 }, () => health.ready()));
    await health.detailed();
    clock.advance(999);
    await health.ready();
    expect(database.calls).toBe(1);

    clock.advance(1);
    await health.ready();
    expect(database.calls).toBe(2);
  });

  it('sees a recovered dependency once the cached result has aged out', async () => {
    const { health, clock } = setup();
    let up = false;
    health.register('nats', { kind: 'dependency', critical: true, check: async () => ({ ok: up }) });
    expect((await health.ready()).ok).toBe(false);
    up = true;
    expect((await health.ready()).ok).toBe(false);
    clock.advance(1000);
    expect((await health.ready()).ok).toBe(true);
  });

  it('is live at once but neither started nor ready until start-up is marked done', async () => {
    const { health, clock } = setup({ started: false });
    const database = fakeCheck(() => ({ ok: true }));
    health.register('database', { kind: 'dependency', critical: true, check: database.check });

    expect(health.live()).toEqual({ ok: true });
    expect(database.calls).toBe(0);
    expect(health.startup()).toEqual({ ok: false, started_at: null });
    expect(await health.ready()).toMatchObject({ ok: false, status: 'down', started: false });

    clock.advance(5000);
    health.markStarted();
    expect(health.startup()).toEqual({ ok: true, started_at: '2026-11-22T10:00:05.000Z' });
    expect(await health.ready()).toMatchObject({ ok: true, status: 'ok', started: true });
  });

  it('refuses two checks with the same name', () => {
    const { health } = setup();
    const check = { kind: 'dependency' as const, critical: true, check: async () => ({ ok: true }) };
    health.register('database', check);
    expect(() => health.register('database', check)).toThrow(/already registered/);
  });
});
