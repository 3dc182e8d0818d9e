import { readFileSync } from 'node:fs';

/** The platform's version, from apps/server/package.json (the same file in src/ and dist/ runs). */
export const platformVersion: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
