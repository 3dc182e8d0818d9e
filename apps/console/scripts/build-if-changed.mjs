// Builds the console (type check, then Vite) unless dist/ was built from exactly these sources:
// `npm start` and `npm test` build first, and an unchanged console should cost them nothing.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const inputs = ['src', 'scripts', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json'];
const stamp = join(root, 'dist', '.sources-hash');

function files(path) {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  try {
    return readdirSync(full, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)));
  } catch {
    return [path];
  }
}

const hash = createHash('sha256');
for (const file of inputs.flatMap(files).sort()) hash.update(file).update('\0').update(readFileSync(join(root, file)));
const digest = hash.digest('hex');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && existsSync(join(root, 'dist', 'index.html'))) process.exit(0);
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });
run(process.execPath, [join(root, '../../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
run(process.execPath, [join(root, '../../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn']);
// The gateway serves these instead of the originals to browsers that accept them.
for (const file of files('dist/assets').filter((name) => /\.(js|css|svg)$/.test(name))) {
  const content = readFileSync(join(root, file));
  writeFileSync(join(root, `${file}.br`), brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(join(root, `${file}.gz`), gzipSync(content, { level: 9 }));
}
writeFileSync(stamp, digest);
