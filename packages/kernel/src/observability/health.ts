export type HealthStatus = 'ok' | 'degraded' | 'down';

/** What a check function reports; a throw or a timeout becomes `ok: false` with the message. */
export interface HealthCheckOutcome {
  ok: boolean;
  /** The check's own measure (e.g. a ping round trip); otherwise the call is timed. */
  latencyMs?: number;
  detail?: string;
  /** Version of what was checked, when it says (a remote module, a database server). */
  version?: string;
  /** A module with several replicas: each one's own result. */
  replicas?: ReplicaReport[];
  /**
   * A remote module's own non-critical checks (e.g. `engine-events`): one failing makes this
   * process degraded too, and each is listed under its name, as it would be were the module local.
   */
  dependencies?: { name: string; ok: boolean }[];
}

/** One replica of a remote module, as its check found it. */
export interface ReplicaReport {
  url: string;
  ok: boolean;
  latency_ms: number | null;
  version: string | null;
  detail: string | null;
}

export interface HealthCheck {
  kind: 'dependency' | 'module';
  /** A failing critical check makes the process not ready; a non-critical one only degrades it. */
  critical: boolean;
  /** `'local'` (the default) or the URL where the module or dependency runs. */
  location?: string;
  check: () => Promise<HealthCheckOutcome>;
  /** Default: the registry's `defaultTimeoutMs`. */
  timeoutMs?: number;
  /**
   * A module running elsewhere. Left out of the `self` scope, which is what other processes ask
   * for: services that need each other must not probe each other in a circle.
   */
  remote?: boolean;
}

/** `all` checks, or only this process's `self` (its own modules and dependencies). */
export type HealthScope = 'all' | 'self';

/** One check's latest result, as /health/detailed shows it. */
export interface CheckReport {
  name: string;
  kind: 'dependency' | 'module';
  critical: boolean;
  ok: boolean;
  latency_ms: number;
  detail: string | null;
  location: string;
  version: string | null;
  checked_at: string;
  replicas?: ReplicaReport[];
  dependencies?: { name: string; ok: boolean }[];
}

/** /health/ready: public, so it names what failed but not the error text (it may hold addresses). */
export interface ReadyReport {
  ok: boolean;
  version: string;
  status: HealthStatus;
  started: boolean;
  checks: Pick<CheckReport, 'name' | 'kind' | 'critical' | 'ok'>[];
}

export interface DetailedReport {
  status: HealthStatus;
  version: string;
  topology: Topology;
  started: boolean;
  started_at: string | null;
  checks: CheckReport[];
}

export type Topology = 'monolith' | 'split';

export interface HealthRegistryOptions {
  version: string;
  topology: Topology;
  /** Milliseconds since the epoch; injected by tests. */
  clock?: () => number;
  /** How long check results are reused, so a flood of probes does not flood dependencies (1000). */
  cacheMs?: number;
  /** Bound on a check that sets no `timeoutMs` (2000). */
  defaultTimeoutMs?: number;
}

export interface HealthRegistry {
  /** Adds a check; names are unique. */
  register(name: string, check: HealthCheck): void;
  /** Start-up (migrations, warm-up) is done. */
  markStarted(): void;
  /** /health/live: the process can answer at all. Runs no checks. */
  live(): { ok: true };
  /** /health/startup. */
  startup(): { ok: boolean; started_at: string | null };
  /**
   * /health/ready: started and no critical check failing. A failing non-critical check makes the
   * status `degraded` while staying ready; before `markStarted` the status is `down`.
   */
  ready(scope?: HealthScope): Promise<ReadyReport>;
  /** GET /health. */
  summary(scope?: HealthScope): Promise<{ status: HealthStatus; version: string; topology: Topology }>;
  /** /health/detailed (admin): every check with latency, location, version and check time. */
  detailed(): Promise<DetailedReport>;
  /**
   * Runs every check each `intervalMs` whether or not anyone asks, so reports stay current, and
   * tells `onChange` when a check starts failing or recovers (and about those failing at first).
   * Returns the function that stops it.
   */
  watch(intervalMs: number, onChange: (report: CheckReport) => void): () => void;
}

/** Creates the health registry of one process; modules and dependencies register their checks. */
export function createHealthRegistry(options: HealthRegistryOptions): HealthRegistry {
  const clock = options.clock ?? Date.now;
  const cacheMs = options.cacheMs ?? 1000;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 2000;
  const checks = new Map<string, HealthCheck>();
  let startedAt: number | undefined;
  // Per scope, a run in flight is shared; a finished one is reused until it is cacheMs old.
  const cached = new Map<HealthScope, { run: Promise<CheckReport[]>; finishedAt?: number }>();

  function latest(scope: HealthScope): Promise<CheckReport[]> {
    const last = cached.get(scope);
    if (last && (last.finishedAt === undefined || clock() - last.finishedAt < cacheMs)) return last.run;
    const inScope = [...checks].filter(([, check]) => scope === 'all' || !check.remote);
    const entry: { run: Promise<CheckReport[]>; finishedAt?: number } = {
      run: Promise.all(inScope.map(([name, check]) => runCheck(name, check))).then((reports) => {
        entry.finishedAt = clock();
        return reports;
      }),
    };
    cached.set(scope, entry);
    return entry.run;
  }

  async function runCheck(name: string, check: HealthCheck): Promise<CheckReport> {
    const timeoutMs = check.timeoutMs ?? defaultTimeoutMs;
    const begun = clock();
    const outcome = await withTimeout(check.check, timeoutMs).catch(
      (error: unknown): HealthCheckOutcome => ({ ok: false, detail: error instanceof Error ? error.message : String(error) }),
    );
    return {
      name,
      kind: check.kind,
      critical: check.critical,
      ok: outcome.ok === true,
      latency_ms: Math.max(0, outcome.latencyMs ?? clock() - begun),
      detail: outcome.detail ?? null,
      location: check.location ?? 'local',
      version: outcome.version ?? null,
      checked_at: new Date(clock()).toISOString(),
      ...(outcome.replicas ? { replicas: outcome.replicas } : {}),
      ...(outcome.dependencies ? { dependencies: outcome.dependencies } : {}),
    };
  }

  async function status(scope: HealthScope = 'all'): Promise<{ status: HealthStatus; reports: CheckReport[] }> {
    const reports = await latest(scope);
    if (startedAt === undefined || reports.some((r) => r.critical && !r.ok)) return { status: 'down', reports };
    const degraded = reports.some((r) => !r.ok || r.dependencies?.some((d) => !d.ok));
    return { status: degraded ? 'degraded' : 'ok', reports };
  }

  const iso = (time: number | undefined) => (time === undefined ? null : new Date(time).toISOString());

  return {
    register(name, check) {
      if (checks.has(name)) throw new Error(`A health check named ${name} is already registered`);
      checks.set(name, check);
      cached.clear();
    },
    markStarted() {
      startedAt ??= clock();
    },
    live: () => ({ ok: true }),
    startup: () => ({ ok: startedAt !== undefined, started_at: iso(startedAt) }),
    async ready(scope) {
      const { status: current, reports } = await status(scope);
      const checks: ReadyReport['checks'] = reports.map(({ name, kind, critical, ok }) => ({ name, kind, critical, ok }));
      // A remote module's own checks, under their names, unless this process has one so named.
      for (const report of reports) {
        for (const dependency of report.dependencies ?? []) {
          if (!checks.some((c) => c.name === dependency.name)) checks.push({ name: dependency.name, kind: 'dependency', critical: false, ok: dependency.ok });
        }
      }
      return { ok: current !== 'down', version: options.version, status: current, started: startedAt !== undefined, checks };
    },
    async summary(scope) {
      return { status: (await status(scope)).status, version: options.version, topology: options.topology };
    },
    watch(intervalMs, onChange) {
      const known = new Map<string, boolean>();
      let stopped = false;
      const round = async () => {
        cached.delete('all');
        for (const report of await latest('all')) {
          const before = known.get(report.name);
          known.set(report.name, report.ok);
          if (!stopped && (before === undefined ? !report.ok : before !== report.ok)) onChange(report);
        }
      };
      const timer = setInterval(() => void round().catch(() => undefined), intervalMs);
      timer.unref();
      void round().catch(() => undefined);
      return () => {
        stopped = true;
        clearInterval(timer);
      };
    },
    async detailed() {
      const { status: current, reports } = await status();
      return {
        status: current,
        version: options.version,
        topology: options.topology,
        started: startedAt !== undefined,
        started_at: iso(startedAt),
        checks: reports,
      };
    },
  };
}

/** Runs `fn`, rejecting if it has not settled after `timeoutMs` (the real-time bound on a check). */
async function withTimeout<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    // Promise.resolve().then turns a synchronous throw into a rejection, like an async one.
    return await Promise.race([Promise.resolve().then(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
