import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.js';
import { loadOrCreateSecretKey, parseSecretKey, secretKeyPath } from './secret-key.js';

const newKey = () => randomBytes(32).toString('base64');

describe('loadOrCreateSecretKey', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'flowgate-secret-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('generates the key file on first embedded start, readable only by its owner, and reuses it', async () => {
    const dataDir = join(root, 'nested', 'data');
    const first = await loadOrCreateSecretKey({ dataDir, profile: 'embedded' });
    expect(first.generated).toBe(true);
    expect(parseSecretKey(first.current)).toHaveLength(32);
    expect((await stat(secretKeyPath(dataDir))).mode & 0o777).toBe(0o600);
    expect((await readFile(secretKeyPath(dataDir), 'utf8')).trim()).toBe(first.current);

    const second = await loadOrCreateSecretKey({ dataDir, profile: 'embedded' });
    expect(second).toEqual({ current: first.current, previous: [], generated: false });
    const token = createSecretBox(first).encrypt('survives a restart');
    expect(createSecretBox(second).decrypt(token)).toBe('survives a restart');
  });

  it('prefers a configured key and writes no file', async () => {
    const configured = newKey();
    const previous = [newKey()];
    const keys = await loadOrCreateSecretKey({ configured, previous, dataDir: root, profile: 'embedded' });
    expect(keys).toEqual({ current: configured, previous, generated: false });
    await expect(stat(secretKeyPath(root))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a configured key that is too short or not base64, naming FLOWGATE_SECRET_KEY', async () => {
    for (const configured of [randomBytes(31).toString('base64'), 'correct horse battery staple, not base64']) {
      await expect(loadOrCreateSecretKey({ configured, dataDir: root, profile: 'embedded' })).rejects.toThrow(
        /FLOWGATE_SECRET_KEY must be base64 of at least 32/,
      );
    }
    await expect(
      loadOrCreateSecretKey({ configured: newKey(), previous: ['nope'], dataDir: root, profile: 'distributed' }),
    ).rejects.toThrow(/FLOWGATE_SECRET_KEY \(previous key #1\)/);
  });

  it('requires FLOWGATE_SECRET_KEY in the distributed profile rather than inventing one', async () => {
    await expect(loadOrCreateSecretKey({ dataDir: root, profile: 'distributed' })).rejects.toThrow(
      /FLOWGATE_SECRET_KEY is required in the distributed profile/,
    );
    await expect(loadOrCreateSecretKey({ configured: '  ', dataDir: root, profile: 'distributed' })).rejects.toThrow(
      /FLOWGATE_SECRET_KEY is required/,
    );
    await expect(stat(secretKeyPath(root))).rejects.toMatchObject({ code: 'ENOENT' });
    const configured = newKey();
    await expect(loadOrCreateSecretKey({ configured, dataDir: root, profile: 'distributed' })).resolves.toMatchObject({
      current: configured,
    });
  });

  it('refuses a corrupted key file instead of silently replacing it', async () => {
    await writeFile(secretKeyPath(root), 'garbage\n');
    await expect(loadOrCreateSecretKey({ dataDir: root, profile: 'embedded' })).rejects.toThrow(/secret\.key/);
    expect(await readFile(secretKeyPath(root), 'utf8')).toBe('garbage\n');
  });

  it('accepts base64url keys as well as standard base64', () => {
    const bytes = randomBytes(32);
    expect(parseSecretKey(bytes.toString('base64url'))).toEqual(bytes);
    expect(parseSecretKey(bytes.toString('base64'))).toEqual(bytes);
  });
});
