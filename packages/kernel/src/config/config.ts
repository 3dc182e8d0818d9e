import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { OptionalKind, Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** One configuration variable: the environment name and the schema its value must satisfy. */
export interface ConfigEntry<S extends TSchema = TSchema> {
  env: string;
  schema: S;
  /** Secrets are never echoed back in error messages. */
  secret?: boolean;
}

export type ConfigSpec = Record<string, ConfigEntry>;
export type ConfigOf<S extends ConfigSpec> = { [K in keyof S]: Static<S[K]['schema']> };

/** Declares a module's slice of the configuration. */
export function defineConfig<S extends ConfigSpec>(spec: S): S {
  for (const entry of Object.values(spec)) {
    if (!/^FLOWGATE_[A-Z0-9_]+$|^OTEL_[A-Z0-9_]+$/.test(entry.env)) throw new Error(`config variable ${entry.env} must start with FLOWGATE_`);
  }
  return spec;
}

/** Start-up stops on this, with one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Environment = Record<string, string | undefined>;

/**
 * The process environment with `.env` (from the working directory) filled in underneath: a
 * variable already set in the environment wins over the file.
 */
export function readEnvironment(options: { cwd?: string; dotenv?: boolean } = {}): Environment {
  const fromFile: Environment = {};
  const file = resolve(options.cwd ?? process.cwd(), '.env');
  if (options.dotenv !== false && existsSync(file)) Object.assign(fromFile, parseDotenv(readFileSync(file)));
  return { ...fromFile, ...process.env };
}

function coerce(raw: string, schema: TSchema): unknown {
  switch (schema.type) {
    case 'integer':
    case 'number':
      return raw.trim() === '' || Number.isNaN(Number(raw)) ? raw : Number(raw);
    case 'boolean': {
      const lowered = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
      if (['false', '0', 'no', 'off'].includes(lowered)) return false;
      return raw;
    }
    case 'array':
      return raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');
    default:
      return raw;
  }
}

function describe(schema: TSchema): string {
  if (schema.anyOf) return `one of ${schema.anyOf.map((s: TSchema) => JSON.stringify(s.const)).join(', ')}`;
  const bounds = [
    schema.minimum !== undefined ? `>= ${schema.minimum}` : '',
    schema.maximum !== undefined ? `<= ${schema.maximum}` : '',
  ].filter(Boolean);
  const kind = schema.type === 'integer' ? 'an integer' : schema.type === 'number' ? 'a number' : schema.type === 'boolean' ? 'true or false' : schema.format === 'uri' ? 'a URL' : schema.pattern ? `a value matching ${schema.pattern}` : `a ${schema.type ?? 'value'}`;
  // A string that fails only on length must not read "must be a string".
  const length = [
    schema.minLength !== undefined && schema.minLength > 1 ? `of at least ${schema.minLength} characters` : '',
    schema.maxLength !== undefined ? `of at most ${schema.maxLength} characters` : '',
  ].filter(Boolean);
  return [kind, ...bounds, ...length].join(' ');
}

/** Validates every declared variable once; the first bad one throws a ConfigError naming it. */
export function loadConfig<S extends ConfigSpec>(spec: S, env: Environment): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(spec)) {
    const raw = env[entry.env];
    if (raw === undefined || raw === '') {
      if (entry.schema.default !== undefined) {
        out[key] = structuredClone(entry.schema.default);
        continue;
      }
      if ((entry.schema as unknown as Record<symbol, unknown>)[OptionalKind] === 'Optional') continue;
      throw new ConfigError(entry.env, 'is required');
    }
    const value = coerce(raw, entry.schema);
    if (!Value.Check(entry.schema, value)) {
      const shown = entry.secret ? '' : ` (got ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)})`;
      throw new ConfigError(entry.env, `must be ${describe(entry.schema)}${shown}`);
    }
    out[key] = value;
  }
  return out as ConfigOf<S>;
}

function isHttpOrigin(text: string): boolean {
  if (!/^https?:\/\/[^\s]+$/.test(text)) return false;
  try {
    const url = new URL(text);
    return url.hostname !== '' && /^\/*$/.test(url.pathname) && url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** Reads `FLOWGATE_<MODULE>_URL` for each module: set means that module runs remotely. */
export function readModuleUrls(modules: readonly string[], env: Environment): Record<string, string[]> {
  const urls: Record<string, string[]> = {};
  for (const name of modules) {
    const variable = `FLOWGATE_${name.toUpperCase()}_URL`;
    const raw = env[variable];
    if (!raw) continue;
    const list = raw.split(',').map((u) => u.trim()).filter(Boolean);
    for (const url of list) {
      // The transport keeps one pool per origin, so a URL must be exactly an origin.
      if (!isHttpOrigin(url)) throw new ConfigError(variable, `must be a comma-separated list of http(s) URLs without a path, like http://host:8000 (got ${JSON.stringify(url)})`);
    }
    urls[name] = list.map((u) => u.replace(/\/+$/, ''));
  }
  return urls;
}

export const LogLevel = Type.Union(
  [Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')],
  { default: 'info' },
);
