import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, defineConfig, loadConfig, LogLevel, readEnvironment, readModuleUrls } from './config.js';
import { coreConfig } from './core.js';

/** Runs `fn` and returns what it threw, failing the test if it did not throw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function configError(fn: () => unknown): ConfigError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as ConfigError).message;
  expect(message).not.toContain('\n');
  return error as ConfigError;
}

const sample = defineConfig({
  workers: { env: 'FLOWGATE_TEST_WORKERS', schema: Type.Integer({ minimum: 1, maximum: 64, default: 4 }) },
  ratio: { env: 'FLOWGATE_TEST_RATIO', schema: Type.Number({ default: 0.5 }) },
  openRegistration: { env: 'FLOWGATE_TEST_OPEN_REGISTRATION', schema: Type.Boolean({ default: false }) },
  allowedHosts: { env: 'FLOWGATE_TEST_ALLOWED_HOSTS', schema: Type.Array(Type.String(), { default: [] }) },
  level: { env: 'FLOWGATE_TEST_LEVEL', schema: { ...LogLevel, default: 'info' } },
  apiToken: { env: 'FLOWGATE_TEST_API_TOKEN', schema: Type.Optional(Type.String({ minLength: 16 })), secret: true },
});

describe('loadConfig', () => {
  it('gives the documented defaults when nothing is set', () => {
    const core = loadConfig(coreConfig, {});

    expect(core).toMatchObject({
      port: 8000,
      host: '127.0.0.1',
      dataDir: './data',
      logLevel: 'info',
      previousSecretKeys: [],
      bodyLimit: 1024 * 1024,
      shutdownGraceMs: 10_000,
    });
    expect(core.databaseUrl).toBeUndefined();
    expect(core.natsUrl).toBeUndefined();
    expect(core.redisUrl).toBeUndefined();
    expect(core.secretKey).toBeUndefined();
    expect(core.otlpEndpoint).toBeUndefined();
    expect('databaseUrl' in core).toBe(false);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(coreConfig, { FLOWGATE_PORT: '', FLOWGATE_DATABASE_URL: '' })).toMatchObject({ port: 8000 });
  });

  it('does not share default arrays between loads', () => {
    const first = loadConfig(sample, {});
    first.allowedHosts.push('mutated');
    expect(loadConfig(sample, {}).allowedHosts).toEqual([]);
  });

  it('coerces integers, numbers, booleans and comma-separated arrays', () => {
    const config = loadConfig(sample, {
      FLOWGATE_TEST_WORKERS: '16',
      FLOWGATE_TEST_RATIO: '0.25',
      FLOWGATE_TEST_OPEN_REGISTRATION: 'yes',
      FLOWGATE_TEST_ALLOWED_HOSTS: ' a.example , b.example,,c.example ',
      FLOWGATE_TEST_LEVEL: 'debug',
      FLOWGATE_TEST_API_TOKEN: 'tok_0123456789abcdef',
    });

    expect(config).toEqual({
      workers: 16,
      ratio: 0.25,
      openRegistration: true,
      allowedHosts: ['a.example', 'b.example', 'c.example'],
      level: 'debug',
      apiToken: 'tok_0123456789abcdef',
    });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['ON', true],
    [' Yes ', true],
    ['false', false],
    ['0', false],
    ['off', false],
    ['NO', false],
  ])('reads the boolean %j as %s', (raw, expected) => {
    expect(loadConfig(sample, { FLOWGATE_TEST_OPEN_REGISTRATION: raw }).openRegistration).toBe(expected);
  });

  it('names the variable, the expectation and the value in one line', () => {
    const error = configError(() => loadConfig(coreConfig, { FLOWGATE_PORT: 'abc' }));

    expect(error.variable).toBe('FLOWGATE_PORT');
    expect(error.message).toBe('FLOWGATE_PORT: must be an integer >= 0 <= 65535 (got "abc")');
  });

  it.each([
    ['FLOWGATE_PORT', '70000', /^FLOWGATE_PORT: must be an integer >= 0 <= 65535 \(got "70000"\)$/],
    ['FLOWGATE_PORT', '80.5', /^FLOWGATE_PORT: must be an integer/],
    ['FLOWGATE_BODY_LIMIT', '10', /^FLOWGATE_BODY_LIMIT: must be an integer >= 1024/],
    ['FLOWGATE_LOG_LEVEL', 'loud', /^FLOWGATE_LOG_LEVEL: must be one of "fatal", "error", .*"silent" \(got "loud"\)$/],
    ['FLOWGATE_NATS_URL', 'http://nats:4222', /^FLOWGATE_NATS_URL: must be a value matching/],
  ])('refuses %s=%j with a line starting with the variable name', (variable, raw, pattern) => {
    const error = configError(() => loadConfig(coreConfig, { [variable]: raw }));

    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
    expect(error.message).toMatch(pattern);
  });

  it('refuses a boolean it cannot read', () => {
    const error = configError(() => loadConfig(sample, { FLOWGATE_TEST_OPEN_REGISTRATION: 'maybe' }));
    expect(error.message).toBe('FLOWGATE_TEST_OPEN_REGISTRATION: must be true or false (got "maybe")');
  });

  it('keeps a multi-line or very long value to one short line', () => {
    const error = configError(() => loadConfig(coreConfig, { FLOWGATE_PORT: `12\n34${'x'.repeat(500)}` }));
    expect(error.message.length).toBeLessThan(200);
  });

  it('never echoes a secret value', () => {
    const secrets = {
      FLOWGATE_DATABASE_URL: 'mysql://admin:hunter2@db:3306/flowgate',
      FLOWGATE_REDIS_URL: 'memcached://:hunter2@cache',
      FLOWGATE_SECRET_KEY: 'hunter2',
    };
    for (const [variable, raw] of Object.entries(secrets)) {
      const error = configError(() => loadConfig(coreConfig, { [variable]: raw }));
      expect(error.message.startsWith(`${variable}: `)).toBe(true);
      expect(error.message).not.toContain('hunter2');
      expect(error.message).not.toContain('got');
    }
  });

  it('says what a too-short string needs rather than "must be a string"', () => {
    const error = configError(() => loadConfig(coreConfig, { FLOWGATE_SECRET_KEY: 'too-short' }));
    expect(error.message).toBe('FLOWGATE_SECRET_KEY: must be a string of at least 32 characters');
  });

  it('requires a variable that has neither a default nor is optional', () => {
    const spec = defineConfig({ key: { env: 'FLOWGATE_TEST_REQUIRED', schema: Type.String() } });
    const error = configError(() => loadConfig(spec, {}));

    expect(error.message).toBe('FLOWGATE_TEST_REQUIRED: is required');
    expect(loadConfig(spec, { FLOWGATE_TEST_REQUIRED: 'here' })).toEqual({ key: 'here' });
  });
});

describe('defineConfig', () => {
  it('accepts FLOWGATE_ and OTEL_ variables', () => {
    expect(() => defineConfig({ a: { env: 'FLOWGATE_A_B', schema: Type.String() }, b: { env: 'OTEL_SERVICE_NAME', schema: Type.String() } })).not.toThrow();
  });

  it.each(['PORT', 'DATABASE_URL', 'flowgate_port', 'FLOWGATE_', 'FLOWGATE_port', 'XFLOWGATE_PORT'])('refuses the variable name %j', (name) => {
    expect(() => defineConfig({ x: { env: name, schema: Type.String() } })).toThrow(/must start with FLOWGATE_/);
  });
});

describe('readEnvironment', () => {
  let dir: string;
  const touched = ['FLOWGATE_TEST_FROM_FILE', 'FLOWGATE_TEST_IN_BOTH', 'FLOWGATE_TEST_QUOTED', 'FLOWGATE_TEST_WORKERS', 'FLOWGATE_TEST_OPEN_REGISTRATION'];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flowgate-config-'));
    for (const name of touched) delete process.env[name];
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const name of touched) delete process.env[name];
  });

  it('reads .env from the given directory, with the process environment winning', () => {
    writeFileSync(
      join(dir, '.env'),
      ['# a comment', 'FLOWGATE_TEST_FROM_FILE=from-file', 'FLOWGATE_TEST_IN_BOTH=from-file', 'FLOWGATE_TEST_QUOTED="a value, quoted"', ''].join('\n'),
    );
    process.env.FLOWGATE_TEST_IN_BOTH = 'from-process';

    const env = readEnvironment({ cwd: dir });

    expect(env.FLOWGATE_TEST_FROM_FILE).toBe('from-file');
    expect(env.FLOWGATE_TEST_IN_BOTH).toBe('from-process');
    expect(env.FLOWGATE_TEST_QUOTED).toBe('a value, quoted');
    expect(env.PATH).toBe(process.env.PATH);
  });

  it('does not write the file into process.env', () => {
    writeFileSync(join(dir, '.env'), 'FLOWGATE_TEST_FROM_FILE=from-file\n');
    readEnvironment({ cwd: dir });
    expect(process.env.FLOWGATE_TEST_FROM_FILE).toBeUndefined();
  });

  it('ignores the file when told to, and works without one', () => {
    writeFileSync(join(dir, '.env'), 'FLOWGATE_TEST_FROM_FILE=from-file\n');
    expect(readEnvironment({ cwd: dir, dotenv: false }).FLOWGATE_TEST_FROM_FILE).toBeUndefined();

    rmSync(join(dir, '.env'));
    expect(readEnvironment({ cwd: dir }).FLOWGATE_TEST_FROM_FILE).toBeUndefined();
  });

  it('feeds loadConfig', () => {
    writeFileSync(join(dir, '.env'), 'FLOWGATE_TEST_WORKERS=12\nFLOWGATE_TEST_OPEN_REGISTRATION=on\n');
    expect(loadConfig(sample, readEnvironment({ cwd: dir }))).toMatchObject({ workers: 12, openRegistration: true });
  });
});

describe('readModuleUrls', () => {
  it('reads a list per module, trimming spaces and trailing slashes', () => {
    const urls = readModuleUrls(['engine', 'logs', 'identity'], {
      FLOWGATE_ENGINE_URL: 'http://engine-1:8000/, https://engine-2:8443//',
      FLOWGATE_LOGS_URL: 'http://logs:8000',
    });

    expect(urls).toEqual({ engine: ['http://engine-1:8000', 'https://engine-2:8443'], logs: ['http://logs:8000'] });
  });

  it('leaves modules whose variable is unset or empty local', () => {
    expect(readModuleUrls(['engine', 'logs'], { FLOWGATE_ENGINE_URL: '' })).toEqual({});
  });

  it('upper-cases the module name in the variable', () => {
    expect(readModuleUrls(['knowledge'], { FLOWGATE_KNOWLEDGE_URL: 'http://k:1' })).toEqual({ knowledge: ['http://k:1'] });
  });

  it.each(['engine:8000', 'ftp://engine:21', 'http://', 'http://engine:8000,not a url', 'http://engine:notaport', 'http://eng ine:8000', 'http://engine:8000/api'])(
    'refuses %j naming the variable',
    (raw) => {
      const error = configError(() => readModuleUrls(['engine'], { FLOWGATE_ENGINE_URL: raw }));
      expect(error.variable).toBe('FLOWGATE_ENGINE_URL');
      expect(error.message.startsWith('FLOWGATE_ENGINE_URL: ')).toBe(true);
    },
  );
});
