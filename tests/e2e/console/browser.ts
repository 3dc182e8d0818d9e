import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`); .ci/run installs it. */
export const chromiumPath = process.env.FLOWGATE_CHROMIUM ?? '/usr/bin/chromium';

/** Whether the browser tests can run here; under CI=true a missing browser is a failure, not a skip. */
export function browserAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI) throw new Error(`${chromiumPath} is missing (CI=true: the console's browser tests must run; apt-get install chromium)`);
  console.warn(`[skip] ${chromiumPath} is missing; the console's browser tests are skipped (apt-get install chromium)`);
  return false;
}

/**
 * Headless chromium in a fresh profile. The background-networking flags keep it from calling
 * Google's services, which this machine's closed network refuses many times a second.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** What a page did wrong while the tests drove it: script errors and CSP violations. */
export function watchPage(page: Page) {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return problems;
}

const screenshotDirs = [
  // Always, for a look at what the last run saw.
  fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url)),
  // The README's pictures, refreshed on request (`npm run screenshots`) so a test run leaves the tree clean.
  ...(process.env.FLOWGATE_UPDATE_SCREENSHOTS ? [fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))] : []),
];

/**
 * The browser's globals, for the few functions that run in the page (this project's types are
 * Node's). Those functions are sent as source text, so they name `globalThis`, not a variable here.
 */
export interface PageGlobals {
  document: { cookie: string; fonts: { ready: Promise<unknown> }; documentElement: { scrollWidth: number } };
  innerWidth: number;
}

export async function screenshot(page: Page, name: string) {
  // Let transitions and fonts settle so the pictures do not catch a half-drawn page.
  await page.evaluate(() => (globalThis as unknown as PageGlobals).document.fonts.ready);
  for (const dir of screenshotDirs) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`) });
  }
}

/** Whether the page is wider than the viewport (a layout that breaks on a small screen). */
export function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth > (globalThis as unknown as PageGlobals).innerWidth + 1);
}

/**
 * Calls the API as the signed-in browser user, from inside the page: a fresh access token from
 * the refresh cookie (rotating it, as the console does), then the call.
 */
export function callApiAsUser<T>(page: Page, method: string, path: string, body?: unknown): Promise<T> {
  return page.evaluate(
    async ([method, path, body]) => {
      const auth = { 'content-type': 'application/json', 'x-flowgate-token-transport': 'cookie' };
      const { access_token } = (await fetch('/api/v1/auth/refresh', { method: 'POST', headers: auth, body: '{}' }).then((r) => r.json())) as { access_token: string };
      const headers: Record<string, string> = { authorization: `Bearer ${access_token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const answer = await fetch(path as string, { method: method as string, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return answer.json();
    },
    [method, path, body] as const,
  ) as Promise<T>;
}

/**
 * The WCAG 2.1 A and AA problems axe-core finds on the page as it is now, one line each. axe is
 * evaluated through the DevTools protocol, which the page's CSP does not govern, so the console
 * keeps its real policy while it is audited.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: typeof axe }).axe.run({ exclude: [] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Presses Tab until `target` has the focus, as a keyboard user would reach it; fails past `limit` presses. */
export async function tabTo(page: Page, target: Locator, limit = 80) {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)) return;
  }
  throw new Error(`${target} not reached with ${limit} presses of Tab`);
}
