// What the browser downloads for each console page: the entry chunk plus the page's own chunk
// and everything they import statically, gzip-compressed (level 9, as a gateway or CDN would
// serve them). Reads apps/console/dist/.vite/manifest.json; run `npm run build` first.
//
//   node bench/console-bundle.mjs
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dist = new URL('../apps/console/dist/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8'));

const gzipped = new Map();
function weigh(file) {
  if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(new URL(file, dist)), { level: 9 }).length);
  return gzipped.get(file);
}

/** The chunk's JS files and those it imports statically, each once. */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key].imports ?? []) closure(imported, seen);
  return seen;
}

const [entryKey] = Object.entries(manifest).find(([, chunk]) => chunk.isEntry);
const entry = closure(entryKey);
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const rows = [];
for (const [key, chunk] of Object.entries(manifest)) {
  if (!chunk.isDynamicEntry || !key.includes('/pages/')) continue;
  const files = new Set([...entry, ...closure(key)]);
  const js = [...files].reduce((sum, file) => sum + weigh(manifest[file].file), 0);
  const css = [...files].flatMap((file) => manifest[file].css ?? []).reduce((sum, file) => sum + weigh(file), 0);
  rows.push({ page: key.replace(/^src\/pages\//, '').replace(/\.tsx$/, ''), js, css });
}
rows.sort((a, b) => a.js - b.js);
console.log(`entry chunk and its imports: ${kb([...entry].reduce((sum, file) => sum + weigh(manifest[file].file), 0))} gzip\n`);
console.log('| page | JS (gzip) | CSS (gzip) |\n|---|---|---|');
for (const row of rows) console.log(`| ${row.page} | ${kb(row.js)} | ${kb(row.css)} |`);
