import { hkdfSync } from 'node:crypto';

/** Salt shared by every derivation; it only separates Flowgate's keys from other HKDF users. */
const SALT = Buffer.from('flowgate.hkdf.v1', 'utf8');

/**
 * Derives an independent key for one purpose from a master secret (HKDF-SHA256), so a single
 * FLOWGATE_SECRET_KEY can feed principal assertions, cursor signing, secret encryption and key-id
 * hashing without any two of them sharing key material.
 *
 * A string secret is used as its UTF-8 bytes: pass FLOWGATE_SECRET_KEY exactly as configured and
 * every service derives the same keys. The same secret and purpose always give the same key.
 *
 * @param secret the master secret (at least 32 bytes of entropy)
 * @param purpose a stable, unique label such as `"identity.principal-assertion"`
 * @param length bytes of output, 32 by default
 */
export function deriveKey(secret: string | Uint8Array, purpose: string, length = 32): Buffer {
  if (purpose.length === 0) throw new TypeError('deriveKey needs a non-empty purpose');
  const material = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (material.length === 0) throw new TypeError('deriveKey needs a non-empty secret');
  return Buffer.from(hkdfSync('sha256', material, SALT, Buffer.from(`flowgate:${purpose}`, 'utf8'), length));
}
