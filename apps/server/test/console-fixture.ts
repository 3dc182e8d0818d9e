import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';

/** What a Vite build of the console leaves behind, in miniature: index.html and one hashed asset. */
export function writeConsoleBuild() {
  const dir = mkdtempSync(join(tmpdir(), 'flowgate-console-'));
  const indexHtml = '<!doctype html><html><head><script type="module" src="/assets/app-4f2a.js"></script></head><body><div id="root"></div></body></html>';
  const asset = { path: '/assets/app-4f2a.js', body: 'console.log("flowgate console");' };
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), indexHtml);
  writeFileSync(join(dir, 'assets', 'app-4f2a.js'), asset.body);
  // As the build leaves it: a brotli copy beside the script.
  writeFileSync(join(dir, 'assets', 'app-4f2a.js.br'), brotliCompressSync(asset.body));
  return { dir, indexHtml, asset, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
