// Writes src/api/schema.d.ts from the OpenAPI document a real platform
// serves (in this process, on a throwaway PGlite data dir), so the console's client is typed by
// the API it talks to. A test fails while the file differs from what the platform serves.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform } from '../../server/dist/index.js';
import { typesFromDocument } from './openapi-types.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-openapi-'));
const platform = await startPlatform({ env: { FLOWGATE_DATA_DIR: dataDir, FLOWGATE_PORT: '0', FLOWGATE_LOG_LEVEL: 'silent' } });
try {
  const response = await platform.app.inject({ method: 'GET', url: '/openapi.json' });
  const document = response.json();
  const target = (name) => new URL(`../src/api/${name}`, import.meta.url);
  writeFileSync(target('schema.d.ts'), await typesFromDocument(document));
  console.log(`src/api/schema.d.ts written (${Object.keys(document.paths).length} paths)`);
} finally {
  await platform.close();
  rmSync(dataDir, { recursive: true, force: true });
}
