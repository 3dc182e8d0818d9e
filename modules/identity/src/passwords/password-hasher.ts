import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

/** Bounds for parameters read back from a stored hash, so a corrupt row cannot exhaust memory. */
const limits = { log2N: [10, 20], r: [1, 32], p: [1, 16] } as const;

interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.log2N;
  // Node refuses work above maxmem (32 MiB by default, which log2N = 15 with r = 8 just exceeds).
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, HASH_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const inRange = (value: number, [min, max]: readonly [number, number]) => Number.isInteger(value) && value >= min && value <= max;

/** Reads `scrypt$<log2N>$<r>$<p>$<salt b64>$<hash b64>`; undefined when it is not one. */
function parse(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!inRange(log2N, limits.log2N) || !inRange(r, limits.r) || !inRange(p, limits.p)) return undefined;
  const salt = Buffer.from(parts[4] as string, 'base64');
  const hash = Buffer.from(parts[5] as string, 'base64');
  if (salt.length < 8 || hash.length !== HASH_BYTES) return undefined;
  return { params: { log2N, r, p }, salt, hash };
}

/**
 * Memory-hard password hashing with scrypt. The stored string names its own parameters, so the
 * configured cost can change later without invalidating existing hashes.
 */
export class PasswordHasher {
  private readonly params: ScryptParams;
  private decoy: Promise<string> | undefined;

  /** @param log2N scrypt's cost as a power of two (FLOWGATE_PASSWORD_HASH_COST) */
  constructor(log2N: number) {
    if (!inRange(log2N, limits.log2N)) throw new RangeError(`password hash cost must be between ${limits.log2N[0]} and ${limits.log2N[1]}`);
    this.params = { log2N, r: BLOCK_SIZE, p: PARALLELISM };
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const hash = await derive(password, salt, this.params);
    const { log2N, r, p } = this.params;
    return ['scrypt', log2N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
  }

  /** Compares in constant time; a stored value that is not a hash of ours never matches. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) {
      await this.spend(password);
      return false;
    }
    const candidate = await derive(password, parsed.salt, parsed.params);
    return timingSafeEqual(candidate, parsed.hash);
  }

  /**
   * Does the work of one verification against nothing, so that a login for an unknown email takes
   * as long as one for a known email with a wrong password.
   */
  async spend(password: string): Promise<void> {
    this.decoy ??= this.hash('flowgate decoy password');
    const decoy = parse(await this.decoy);
    if (decoy) await derive(password, decoy.salt, decoy.params);
  }

  /** True when a stored hash was made with other parameters than the configured ones. */
  needsRehash(stored: string): boolean {
    const parsed = parse(stored);
    return !parsed || parsed.params.log2N !== this.params.log2N || parsed.params.r !== this.params.r || parsed.params.p !== this.params.p;
  }
}
