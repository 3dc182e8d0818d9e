import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKey } from './derive-key.js';
import { createSecretBox, DecryptionError, secretKeyId, type DecryptionFailure } from './secret-box.js';

const newKey = () => randomBytes(32).toString('base64');

/** Rewrites one base64url segment of a token by flipping one bit of its decoded byte at `index`. */
function flipByte(token: string, segment: 2 | 3, index: (length: number) => number): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[segment]!, 'base64url');
  const at = index(bytes.length);
  bytes[at] = bytes[at]! ^ 0x01;
  parts[segment] = bytes.toString('base64url');
  return parts.join('.');
}

function failure(run: () => unknown): DecryptionFailure {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionError);
    return (error as DecryptionError).reason;
  }
  throw new Error('expected a DecryptionError');
}

describe('createSecretBox', () => {
  it('round-trips text, including empty and non-ASCII strings', () => {
    const box = createSecretBox({ current: newKey() });
    for (const plaintext of ['sk-live-123', '', 'päßwörd 🔑', 'x'.repeat(10_000)]) {
      expect(box.decrypt(box.encrypt(plaintext))).toBe(plaintext);
    }
  });

  it('writes a self-describing v1 token with a fresh IV each time', () => {
    const key = newKey();
    const box = createSecretBox({ current: key });
    const first = box.encrypt('same');
    const second = box.encrypt('same');
    expect(first).not.toBe(second);
    const [version, keyId, iv, sealed] = first.split('.');
    expect(version).toBe('v1');
    expect(keyId).toBe(secretKeyId(key));
    expect(keyId).toBe(box.currentKeyId);
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(sealed!, 'base64url')).toHaveLength('same'.length + 16);
    expect(first).not.toContain(Buffer.from('same').toString('base64url'));
  });

  it('detects a flipped byte in the IV, the ciphertext and the tag', () => {
    const box = createSecretBox({ current: newKey() });
    const token = box.encrypt('the provider api key');
    expect(failure(() => box.decrypt(flipByte(token, 2, () => 0)))).toBe('authentication_failed');
    expect(failure(() => box.decrypt(flipByte(token, 3, () => 0)))).toBe('authentication_failed');
    expect(failure(() => box.decrypt(flipByte(token, 3, (length) => length - 1)))).toBe('authentication_failed');
  });

  it('refuses a token decrypted with a different aad than it was bound to', () => {
    const box = createSecretBox({ current: newKey() });
    const token = box.encrypt('secret', 'llm_provider:1');
    expect(box.decrypt(token, 'llm_provider:1')).toBe('secret');
    expect(failure(() => box.decrypt(token, 'llm_provider:2'))).toBe('authentication_failed');
    expect(failure(() => box.decrypt(token))).toBe('authentication_failed');
    expect(failure(() => box.decrypt(box.encrypt('secret'), 'llm_provider:1'))).toBe('authentication_failed');
  });

  it('refuses garbled tokens as malformed', () => {
    const box = createSecretBox({ current: newKey() });
    const [, keyId, iv, sealed] = box.encrypt('x').split('.');
    const garbled = [
      '',
      'not a token',
      `v2.${keyId}.${iv}.${sealed}`,
      `v1.${keyId}.${iv}`,
      `v1.${keyId}.${iv}.${sealed}.extra`,
      `v1.${keyId}.${iv}.${sealed}!`,
      `v1.${keyId}.${Buffer.alloc(8).toString('base64url')}.${sealed}`,
      `v1.${keyId}.${iv}.${Buffer.alloc(4).toString('base64url')}`,
      `v1.${keyId}.${iv}=.${sealed}`,
      `v1..${iv}.${sealed}`,
    ];
    for (const token of garbled) expect(failure(() => box.decrypt(token)), token).toBe('malformed');
  });

  it('decrypts tokens made with a previous key after rotation and says they need re-encryption', () => {
    const oldKey = newKey();
    const oldToken = createSecretBox({ current: oldKey }).encrypt('rotated', 'aad');
    const rotated = createSecretBox({ current: newKey(), previous: [oldKey] });
    expect(rotated.decrypt(oldToken, 'aad')).toBe('rotated');
    expect(rotated.needsReencrypt(oldToken)).toBe(true);
    const fresh = rotated.encrypt('rotated', 'aad');
    expect(rotated.needsReencrypt(fresh)).toBe(false);
    expect(rotated.decrypt(fresh, 'aad')).toBe('rotated');
  });

  it('refuses a token whose key is not configured any more, naming the key id', () => {
    const token = createSecretBox({ current: newKey() }).encrypt('lost');
    const box = createSecretBox({ current: newKey(), previous: [newKey()] });
    expect(failure(() => box.decrypt(token))).toBe('unknown_key');
    expect(() => box.decrypt(token)).toThrow(token.split('.')[1]!);
  });

  it('refuses keys that are not base64 of at least 32 bytes, naming FLOWGATE_SECRET_KEY', () => {
    expect(() => createSecretBox({ current: randomBytes(16).toString('base64') })).toThrow(/FLOWGATE_SECRET_KEY/);
    expect(() => createSecretBox({ current: 'not base64 at all!' })).toThrow(/FLOWGATE_SECRET_KEY/);
    expect(() => createSecretBox({ current: newKey(), previous: ['short'] })).toThrow(/previous key #1/);
  });
});

describe('deriveKey', () => {
  it('gives the same key for the same secret and purpose, and independent keys per purpose', () => {
    const secret = newKey();
    expect(deriveKey(secret, 'cursor-signing')).toEqual(deriveKey(secret, 'cursor-signing'));
    expect(deriveKey(secret, 'cursor-signing')).not.toEqual(deriveKey(secret, 'principal-assertion'));
    expect(deriveKey(newKey(), 'cursor-signing')).not.toEqual(deriveKey(secret, 'cursor-signing'));
    expect(deriveKey(secret, 'x')).toHaveLength(32);
    expect(deriveKey(secret, 'x', 64)).toHaveLength(64);
  });

  it('refuses an empty purpose or secret', () => {
    expect(() => deriveKey(newKey(), '')).toThrow(/purpose/);
    expect(() => deriveKey('', 'x')).toThrow(/secret/);
  });
});
