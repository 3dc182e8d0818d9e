import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../src/passwords/password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(10);

  it('writes a self-describing scrypt hash with its cost and a random salt', async () => {
    const first = await hasher.hash('correct horse');
    const second = await hasher.hash('correct horse');
    expect(first).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]{43}=$/);
    expect(second).not.toBe(first);
  });

  it('accepts the right password and refuses any other', async () => {
    const stored = await hasher.hash('correct horse');
    await expect(hasher.verify('correct horse', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horsf', stored)).resolves.toBe(false);
    await expect(hasher.verify('', stored)).resolves.toBe(false);
  });

  it('verifies a hash made at another cost, and says it needs rehashing', async () => {
    const stored = await new PasswordHasher(11).hash('correct horse');
    await expect(hasher.verify('correct horse', stored)).resolves.toBe(true);
    expect(hasher.needsRehash(stored)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('x'))).toBe(false);
  });

  it('treats passwords that look the same in Unicode as the same', async () => {
    const stored = await hasher.hash('caf\u00e9 au lait');
    await expect(hasher.verify('cafe\u0301 au lait', stored)).resolves.toBe(true);
  });

  it('never matches a stored value that is not one of its hashes', async () => {
    for (const stored of ['', 'plain', 'scrypt$99$8$1$c2FsdHNhbHQ=$aGFzaA==', 'bcrypt$10$whatever']) {
      await expect(hasher.verify('plain', stored)).resolves.toBe(false);
    }
  });

  it('refuses a cost below the minimum', () => {
    expect(() => new PasswordHasher(9)).toThrow(RangeError);
  });
});
