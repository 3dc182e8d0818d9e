import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

let transpiled: Promise<URL> | undefined;

/**
 * Where a sandbox worker's code is. From the build it is the compiled `sandbox-worker.js` next to
 * this file. From the TypeScript sources (Vitest runs them, and Node 20 cannot run `.ts`), the
 * worker source is transpiled once with the TypeScript compiler and started from a `data:` URL:
 * the same file either way, no hand-kept JavaScript copy to drift.
 */
export function sandboxWorkerUrl(): Promise<URL> {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return Promise.resolve(new URL('./sandbox-worker.js', here));
  transpiled ??= transpile(new URL('./sandbox-worker.ts', here));
  return transpiled;
}

async function transpile(source: URL): Promise<URL> {
  const { default: ts } = await import('typescript');
  const { outputText } = ts.transpileModule(await readFile(source, 'utf8'), {
    fileName: source.pathname,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return new URL(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`);
}

/** quickjs-emscripten's entry file, resolved here because a `data:` module cannot resolve it. */
export function quickjsEntryPath(): string {
  return createRequire(import.meta.url).resolve('quickjs-emscripten');
}
