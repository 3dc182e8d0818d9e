// How fast the web console opens in a real browser (Debian's chromium, headless) against
// `flowgate start` on this machine: from navigation to the page's content on screen, and the
// bytes transferred, with an empty cache (a first visit) and with a warm one (a return visit).
// Pages: sign-in (a newcomer's first page), the dashboard (session restored from the refresh
// cookie, services and statistics loaded) and the editor (React Flow, node types, the graph).
//
//   npm run bench:console-load [-- rounds]
import { rmSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startFlowgate, stop } from './flowgate-child.mjs';
import { greeter } from './greeter-load.mjs';

const rounds = Number(process.argv[2] ?? 7);
const { child, url, dataDir } = await startFlowgate({ FLOWGATE_PASSWORD_HASH_COST: '10' });
const post = async (path, body, token) =>
  (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) })).json();
const account = { email: 'bench@example.com', password: 'correct horse battery' };
await post('/api/v1/auth/register', { ...account, name: 'Bench' });
const { access_token } = await post('/api/v1/auth/login', account);
const workflow = await post('/api/v1/workflows', { name: 'greeter', graph: greeter }, access_token);
for (let i = 0; i < 20; i++) await post(`/api/v1/workflows/${workflow.id}/run`, { inputs: { name: `n${i}` } }, access_token);

const browser = await chromium.launch({
  executablePath: process.env.FLOWGATE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const pages = [
  { name: 'sign-in', path: '/sign-in', ready: (page) => page.getByRole('heading', { name: 'Sign in' }).waitFor() },
  { name: 'dashboard', path: '/', ready: (page) => page.getByRole('img').first().waitFor() },
  { name: 'editor', path: `/workflows/${workflow.id}`, ready: (page) => page.getByRole('group', { name: 'Node greet', exact: true }).waitFor() },
];

/** ms from navigation start to the content, and the bytes the page transferred (headers aside). */
async function visit(page, { path, ready }) {
  await page.goto(`${url}${path}`, { waitUntil: 'commit' });
  await ready(page);
  return page.evaluate(() => ({
    ms: performance.now(),
    bytes: performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation')).reduce((sum, entry) => sum + entry.transferSize, 0),
  }));
}

const samples = Object.fromEntries(pages.flatMap((p) => [[`${p.name} cold`, []], [`${p.name} warm`, []]]));
for (let round = 0; round < rounds; round++) {
  for (const target of pages) {
    // A new context is an empty cache and no cookies: sign in through the form first where needed.
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    if (target.name !== 'sign-in') {
      await page.goto(`${url}/sign-in`);
      await page.getByLabel('Email').fill(account.email);
      await page.getByLabel('Password').fill(account.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.pathname === '/');
      // Signing in cached the entry chunk; a cold visit must not have it: a fresh context, with the cookie carried over.
      const cookies = await context.cookies();
      await context.close();
      const cold = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      await cold.addCookies(cookies);
      await measure(cold, target);
      continue;
    }
    await measure(context, target);
  }
}

async function measure(context, target) {
  const page = await context.newPage();
  samples[`${target.name} cold`].push(await visit(page, target));
  samples[`${target.name} warm`].push(await visit(page, target));
  await context.close();
}

await browser.close();
await stop(child);
rmSync(dataDir, { recursive: true, force: true });

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`\nconsole page loads, chromium headless, ${rounds} rounds, medians\n`);
console.log('| page | cache | navigation → content (ms) | transferred (KB) |');
console.log('|---|---|---|---|');
for (const [key, values] of Object.entries(samples)) {
  const [name, cache] = key.split(' ');
  console.log(`| ${name} | ${cache} | ${Math.round(median(values.map((v) => v.ms)))} | ${(median(values.map((v) => v.bytes)) / 1024).toFixed(1)} |`);
}
