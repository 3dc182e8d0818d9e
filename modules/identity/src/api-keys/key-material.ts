import { createHash, randomBytes, randomInt } from 'node:crypto';

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PREFIX_LENGTH = 8;
const SECRET_BYTES = 32;

/** `fg_` + 8 lowercase letters or digits + `_` + 43 base64url characters. */
const keyShape = /^fg_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;

/** A fresh public prefix such as `fg_k3x9a0qz`, shown in lists to tell keys apart. */
export function newKeyPrefix(): string {
  let id = '';
  for (let i = 0; i < PREFIX_LENGTH; i++) id += PREFIX_ALPHABET[randomInt(PREFIX_ALPHABET.length)];
  return `fg_${id}`;
}

/** A full secret key under a prefix: `<prefix>_<32 random bytes, base64url>`. */
export function newKey(prefix: string): string {
  return `${prefix}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

/** Keys are stored only as this hash. The key carries 256 random bits, so no slow hash is needed. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Cheap shape check before touching the database. */
export const looksLikeKey = (key: string) => keyShape.test(key);
