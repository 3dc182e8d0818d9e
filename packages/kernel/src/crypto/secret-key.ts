import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The smallest secret key Flowgate accepts, in bytes (one AES-256 key). */
export const SECRET_KEY_BYTES = 32;

// Node's decoder accepts both alphabets but silently skips other characters, hence the check.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Decodes a base64 (or base64url) secret key and checks it holds at least 32 bytes.
 * `source` names where the value came from, so the error points the operator at it.
 */
export function parseSecretKey(value: string, source = 'FLOWGATE_SECRET_KEY'): Buffer {
  const text = value.trim();
  const bytes = BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (bytes === undefined || bytes.length < SECRET_KEY_BYTES) {
    throw new Error(
      `${source} must be base64 of at least ${SECRET_KEY_BYTES} random bytes (generate one with: openssl rand -base64 32)`,
    );
  }
  return bytes;
}

/** Where the secret key lives in the embedded profile's data directory. */
export const secretKeyPath = (dataDir: string) => join(dataDir, 'secret.key');

export interface SecretKeyOptions {
  /** FLOWGATE_SECRET_KEY as configured, if it is. */
  configured?: string;
  /** Keys that were current before a rotation; they still decrypt. */
  previous?: string[];
  dataDir: string;
  profile: 'embedded' | 'distributed';
}

export interface SecretKeys {
  current: string;
  previous: string[];
  /** True when this call created the key file (first embedded start). */
  generated: boolean;
}

/**
 * Finds the platform's secret key. A configured key always wins. Otherwise the embedded profile
 * reads `<dataDir>/secret.key`, creating it (mode 0600) on first start, while the distributed
 * profile refuses to start: every replica must share one key, so none may invent its own.
 */
export async function loadOrCreateSecretKey(options: SecretKeyOptions): Promise<SecretKeys> {
  const previous = (options.previous ?? []).map((key, index) => {
    parseSecretKey(key, `FLOWGATE_SECRET_KEY (previous key #${index + 1})`);
    return key.trim();
  });
  const configured = options.configured?.trim();
  if (configured) {
    parseSecretKey(configured);
    return { current: configured, previous, generated: false };
  }
  if (options.profile === 'distributed') {
    throw new Error(
      'FLOWGATE_SECRET_KEY is required in the distributed profile: set the same base64 32-byte key on every service (openssl rand -base64 32)',
    );
  }
  const { key, generated } = await readOrCreateKeyFile(secretKeyPath(options.dataDir));
  return { current: key, previous, generated };
}

async function readOrCreateKeyFile(path: string): Promise<{ key: string; generated: boolean }> {
  const existing = await readKeyFile(path);
  if (existing !== undefined) return { key: existing, generated: false };
  const key = randomBytes(SECRET_KEY_BYTES).toString('base64');
  await mkdir(join(path, '..'), { recursive: true });
  try {
    // 'wx' fails if another process created the file meanwhile; theirs is then the key.
    await writeFile(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return { key, generated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const raced = await readKeyFile(path);
    if (raced === undefined) throw error;
    return { key: raced, generated: false };
  }
}

async function readKeyFile(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = text.trim();
  parseSecretKey(key, `${path} (or set FLOWGATE_SECRET_KEY)`);
  return key;
}
