import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey } from './derive-key.js';
import { parseSecretKey } from './secret-key.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Why a token could not be decrypted. */
export type DecryptionFailure = 'malformed' | 'unknown_key' | 'authentication_failed';

/**
 * A secret could not be decrypted. The message never contains key material or plaintext.
 * This is a plain Error (a 500 if it escapes): a caller decrypting client-supplied data should
 * catch it and raise an InputError instead.
 */
export class DecryptionError extends Error {
  readonly code = 'decryption_failed';

  constructor(
    readonly reason: DecryptionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/** Encrypts secrets at rest with AES-256-GCM under a rotatable set of keys. */
export interface SecretBox {
  /** The id written into tokens made now. */
  readonly currentKeyId: string;
  /**
   * Encrypts with the current key and a fresh random IV.
   * @param aad context the token is bound to (e.g. `"llm_provider:<id>"`); decrypt needs the same
   * @returns `v1.<keyId>.<iv b64url>.<ciphertext+tag b64url>`
   */
  encrypt(plaintext: string, aad?: string): string;
  /** Decrypts with whichever configured key made the token; throws DecryptionError otherwise. */
  decrypt(token: string, aad?: string): string;
  /**
   * True when the token was made with a key other than the current one and should be rewritten
   * (decrypt, then encrypt). Reads only the header; throws DecryptionError on a garbled token.
   */
  needsReencrypt(token: string): boolean;
}

interface BoxKey {
  id: string;
  aesKey: Buffer;
}

/**
 * The public id of a secret key: a short hash derived from it, safe to store next to the data.
 * 8 base64url characters (48 bits) tell apart the handful of keys alive at once.
 */
export function secretKeyId(key: string): string {
  return keyIdOf(parseSecretKey(key));
}

const keyIdOf = (material: Buffer) => deriveKey(material, 'secret-box.key-id', 6).toString('base64url');

function boxKey(key: string, source: string): BoxKey {
  const material = parseSecretKey(key, source);
  return { id: keyIdOf(material), aesKey: deriveKey(material, 'secret-box.aes-256-gcm') };
}

/**
 * Builds a SecretBox. The AES key is derived from each configured key (never the key itself),
 * so the same FLOWGATE_SECRET_KEY can safely feed other derivations too.
 *
 * @param keys base64 keys of at least 32 bytes; `previous` are still accepted for decryption
 */
export function createSecretBox(keys: { current: string; previous?: string[] }): SecretBox {
  const current = boxKey(keys.current, 'FLOWGATE_SECRET_KEY');
  const byId = new Map<string, BoxKey>([[current.id, current]]);
  keys.previous?.forEach((key, index) => {
    const previous = boxKey(key, `FLOWGATE_SECRET_KEY (previous key #${index + 1})`);
    if (!byId.has(previous.id)) byId.set(previous.id, previous);
  });

  return {
    currentKeyId: current.id,

    encrypt(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.aesKey, iv, { authTagLength: TAG_BYTES });
      if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [VERSION, current.id, iv.toString('base64url'), sealed.toString('base64url')].join('.');
    },

    decrypt(token, aad) {
      const parts = parseToken(token);
      const key = byId.get(parts.keyId);
      if (key === undefined) {
        throw new DecryptionError(
          'unknown_key',
          `Cannot decrypt: the secret was encrypted with key id ${parts.keyId}, which is neither the current FLOWGATE_SECRET_KEY nor a configured previous key`,
        );
      }
      const decipher = createDecipheriv('aes-256-gcm', key.aesKey, parts.iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(parts.sealed.subarray(parts.sealed.length - TAG_BYTES));
      if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
      try {
        const body = parts.sealed.subarray(0, parts.sealed.length - TAG_BYTES);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // GCM reports every tamper and every aad mismatch the same way, on purpose.
        throw new DecryptionError(
          'authentication_failed',
          'Cannot decrypt: the secret was altered or is bound to a different context (aad)',
        );
      }
    },

    needsReencrypt(token) {
      return parseToken(token).keyId !== current.id;
    },
  };
}

function parseToken(token: string): { keyId: string; iv: Buffer; sealed: Buffer } {
  const [version, keyId, iv, sealed, ...rest] = token.split('.');
  if (version !== VERSION || rest.length > 0 || keyId === undefined || iv === undefined || sealed === undefined) {
    throw new DecryptionError('malformed', `Cannot decrypt: not a ${VERSION} secret token`);
  }
  const ivBytes = decodeCanonical(iv);
  const sealedBytes = decodeCanonical(sealed);
  if (!B64URL.test(keyId) || ivBytes?.length !== IV_BYTES || sealedBytes === undefined || sealedBytes.length < TAG_BYTES) {
    throw new DecryptionError('malformed', `Cannot decrypt: garbled ${VERSION} secret token`);
  }
  return { keyId, iv: ivBytes, sealed: sealedBytes };
}

/** Decodes base64url, refusing anything that would not re-encode to the same text. */
function decodeCanonical(text: string): Buffer | undefined {
  if (!B64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
