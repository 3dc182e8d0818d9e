import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityProblems, browserAvailable, callApiAsUser, launchChromium, overflowsHorizontally, screenshot, tabTo, watchPage, type PageGlobals } from './console/browser.js';
import { startFakeOpenAI, type FakeOpenAI } from '../../modules/engine/test/support/fake-openai.js';
import { startFlowgate, type FlowgateProcess } from './flowgate-process.js';
import { chatGraph } from './suite/graphs.js';

/**
 * A newcomer's first session in the console, in a real browser against `flowgate start`: sign
 * up, build the greeting workflow in the visual editor, run it streaming, find it in the run
 * history, publish and deploy it, and create and revoke an API key. Each step leaves a
 * screenshot (test-results/screenshots; docs/screenshots with `npm run screenshots`).
 */
const available = browserAvailable();

describe.skipIf(!available).sequential('the console in a browser', () => {
  let flowgate: FlowgateProcess;
  let model: FakeOpenAI;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let workflowUrl = '';
  let apiKey = '';

  beforeAll(async () => {
    [flowgate, browser, model] = await Promise.all([startFlowgate(['start']), launchChromium(), startFakeOpenAI({ apiKey: 'sk-browser-model' })]);
    context = await browser.newContext({ viewport: { width: 1280, height: 720 }, baseURL: flowgate.url });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: flowgate.url });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    problems = watchPage(page);
  }, 90_000);

  afterAll(async () => {
    model?.release(1_000);
    await model?.close();
    await browser?.close();
    await flowgate?.stop();
  });

  it('sends a newcomer to sign in, and the first account becomes the admin', async () => {
    await page.goto('/');
    await page.waitForURL(/\/sign-in/);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await screenshot(page, 'sign-in');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await expect.poll(() => page.getByText('(admin)').isVisible()).toBe(true);
  });

  it('keeps the session across a reload through the httpOnly refresh cookie, which no script can read', async () => {
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    const cookies = await context.cookies();
    const refresh = cookies.find((cookie) => cookie.name === 'flowgate_refresh');
    expect(refresh).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie)).not.toContain('flowgate_refresh');
    await screenshot(page, 'dashboard');
  });

  it('keeps the session when several tabs restore it at the same moment (one refresh at a time across tabs)', async () => {
    const tabs = [page, ...(await Promise.all([context.newPage(), context.newPage()]))];
    for (let round = 0; round < 3; round++) {
      await Promise.all(tabs.map((tab) => tab.goto('/')));
      for (const tab of tabs) await expect.poll(() => tab.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    }
    await Promise.all(tabs.slice(1).map((tab) => tab.close()));
  });

  it('creates a workflow and builds the greeting workflow in the visual editor', async () => {
    await page.getByRole('link', { name: 'Workflows' }).click();
    await page.getByRole('button', { name: 'New workflow' }).first().click();
    await page.getByLabel('Name').fill('Greeter');
    await page.getByRole('button', { name: 'Create workflow' }).click();
    await page.waitForURL(/\/workflows\/[^/]+$/);
    workflowUrl = new URL(page.url()).pathname;

    const settings = page.getByRole('region', { name: 'Node settings' });
    const node = (id: string) => page.getByRole('group', { name: `Node ${id}`, exact: true });
    // The start node takes a required `name`.
    await node('start').click();
    await settings.getByRole('button', { name: 'Add input' }).click();
    await settings.getByLabel('Input name', { exact: true }).fill('name');
    await settings.getByLabel('Required', { exact: true }).check();
    // A template node dragged from the palette onto the canvas.
    await page.getByRole('button', { name: 'Add template node' }).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x: 300, y: 120 } });
    await node('template_1').click();
    await settings.getByLabel('template', { exact: true }).fill('Hello {{ start.name }}');
    // Edges: start → template_1 with the keyboard form, template_1 → end by dragging between handles.
    await node('start').click();
    await settings.getByLabel('Connect to', { exact: true }).selectOption('template_1');
    await settings.getByRole('button', { name: 'Add edge' }).click();
    await page.locator('.react-flow__handle.source[data-nodeid="template_1"]').dragTo(page.locator('.react-flow__handle.target[data-nodeid="end"]'));
    // The end node answers with the greeting.
    await node('end').click();
    await settings.getByRole('button', { name: 'Add output' }).click();
    await settings.getByLabel('Output name', { exact: true }).fill('greeting');
    await settings.getByLabel('Output value', { exact: true }).fill('{{ template_1.output }}');
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => page.getByText(/saved/i).first().isVisible()).toBe(true);
    await screenshot(page, 'editor');

    // What the editor saved is what the API holds.
    const saved = await callApiAsUser<{ graph: { nodes: { id: string }[]; edges: unknown[] } }>(page, 'GET', `/api/v1${workflowUrl}`);
    expect(saved.graph.nodes.map((node) => node.id).sort()).toEqual(['end', 'start', 'template_1']);
    expect(saved.graph.edges).toEqual(expect.arrayContaining([
      expect.objectContaining({ source: 'start', target: 'template_1' }),
      expect.objectContaining({ source: 'template_1', target: 'end' }),
    ]));
  });

  it('shows the API\'s validation problem at the node and field it names', async () => {
    await page.getByRole('group', { name: 'Node end', exact: true }).click();
    const settings = page.getByRole('region', { name: 'Node settings' });
    await settings.getByLabel('Output value', { exact: true }).fill('{{ nowhere.output }}');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => settings.getByText(/no node "nowhere"/).isVisible()).toBe(true);
    await settings.getByLabel('Output value', { exact: true }).fill('{{ template_1.output }}');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect.poll(() => settings.getByText(/no node "nowhere"/).count()).toBe(0);
  });

  it('runs the workflow streaming from the run panel and shows the output', async () => {
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const panel = page.getByRole('region', { name: 'Run' });
    await panel.getByLabel('name').fill('Ada');
    await panel.getByRole('button', { name: 'Run workflow' }).click();
    await expect.poll(() => panel.getByText('succeeded').first().isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => panel.getByLabel('Run outputs').textContent()).toContain('Hello Ada');
    await screenshot(page, 'run-panel');
  });

  it('finds the run in the history, with each node\'s inputs and outputs', async () => {
    await page.goto(`${workflowUrl}/runs`);
    const row = page.getByRole('row').filter({ hasText: 'console' }).first();
    await expect.poll(() => row.getByText('succeeded').isVisible(), { timeout: 15_000 }).toBe(true);
    await screenshot(page, 'runs');
    await row.getByRole('link').first().click();
    await page.waitForURL(/\/runs\/[^/]+$/);
    await page.getByRole('button', { name: /template_1/ }).first().click();
    await expect.poll(() => page.getByText('Hello Ada').first().isVisible()).toBe(true);
    await screenshot(page, 'run-detail');
  });

  it('publishes the workflow and deploys it under a slug', async () => {
    await page.goto(workflowUrl);
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => page.getByText(/version 1/i).first().isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Deployments' }).click();
    await page.getByRole('button', { name: 'New deployment' }).first().click();
    await page.getByLabel('Workflow').selectOption({ label: 'Greeter' });
    await page.getByLabel('Slug').fill('greeter');
    await page.getByRole('button', { name: 'Create deployment' }).click();
    const curl = page.getByLabel('curl example for greeter');
    await expect.poll(() => curl.textContent()).toContain('/api/v1/run/greeter');
    await screenshot(page, 'deployments');
  });

  it('creates an API key shown once, which runs the deployment until it is revoked', async () => {
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('button', { name: 'New API key' }).first().click();
    await page.getByLabel('Key name').fill('ci');
    await page.getByRole('button', { name: 'Create key' }).click();
    apiKey = (await page.locator('code[aria-label="New API key"]').textContent())?.trim() ?? '';
    expect(apiKey).toMatch(/^fg_/);
    await screenshot(page, 'api-key-created');
    const runDeployment = () =>
      fetch(`${flowgate.url}/api/v1/run/greeter`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { name: 'Grace' } }),
      });
    const answer = await runDeployment();
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { outputs: unknown }).outputs).toEqual({ greeting: 'Hello Grace' });

    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('code[aria-label="New API key"]').count()).toBe(0);
    expect(await page.content()).not.toContain(apiKey);
    await page.getByRole('row').filter({ hasText: 'ci' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'ci' }).getByText(/revoked/i).isVisible()).toBe(true);
    await screenshot(page, 'api-keys');
    expect((await runDeployment()).status).toBe(401);
  });

  it('adds an LLM provider, and the run panel shows the model\'s text token by token as it is generated', async () => {
    await page.getByRole('link', { name: 'LLM providers' }).click();
    await page.getByRole('button', { name: 'New provider' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('Local model');
    await dialog.getByLabel('Base URL', { exact: true }).fill(model.baseUrl);
    await dialog.getByLabel('Models', { exact: true }).fill('fake-1');
    await dialog.getByLabel('API key', { exact: true }).fill('sk-browser-model');
    await dialog.getByRole('button', { name: 'Create provider' }).click();
    await expect.poll(() => page.getByRole('rowheader', { name: 'Local model', exact: true }).isVisible()).toBe(true);
    // The key is write-only: the page never shows it.
    expect(await page.content()).not.toContain('sk-browser-model');
    await screenshot(page, 'providers');

    const { items } = await callApiAsUser<{ items: { id: string; name: string }[] }>(page, 'GET', '/api/v1/llm/providers');
    const provider = items.find((item) => item.name === 'Local model')!;
    const chat = await callApiAsUser<{ id: string }>(page, 'POST', '/api/v1/workflows', { name: 'Chat', graph: chatGraph(provider.id, 'fake-1') });
    await page.goto(`/workflows/${chat.id}`);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const panel = page.getByRole('region', { name: 'Run' });
    await panel.getByLabel('question').fill('Greet the world');
    // Each token leaves the model only when the test releases it.
    model.respondWith({ kind: 'stream', tokens: ['Bonjour', ' tout', ' le', ' monde'], usage: { prompt_tokens: 6, completion_tokens: 4, total_tokens: 10 }, gated: true });
    await panel.getByRole('button', { name: 'Run workflow' }).click();
    model.release(1);
    await expect.poll(() => panel.textContent()).toContain('Bonjour');
    expect(await panel.textContent()).not.toContain('Bonjour tout');
    model.release(1);
    await expect.poll(() => panel.textContent()).toContain('Bonjour tout');
    // …while the run is still going.
    expect(await panel.getByRole('button', { name: 'Cancel run' }).isVisible()).toBe(true);
    model.release(2);
    await expect.poll(() => panel.getByLabel('Run outputs').textContent()).toContain('Bonjour tout le monde');
    await screenshot(page, 'run-panel-llm');
  });

  it('shows the admin pages', async () => {
    await page.getByRole('link', { name: 'LLM providers' }).click();
    await expect.poll(() => page.getByRole('rowheader', { name: 'Local model', exact: true }).isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Users' }).click();
    await expect.poll(() => page.getByText('ada@example.com').first().isVisible()).toBe(true);
    await screenshot(page, 'users');
    await page.getByRole('link', { name: 'Workflows' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Greeter', exact: true }).first().isVisible()).toBe(true);
    await screenshot(page, 'workflows');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expect.poll(() => page.getByText('Greeter').first().isVisible()).toBe(true);
    await screenshot(page, 'dashboard');
  });

  it('meets WCAG 2.1 AA as axe-core checks it, on every page and in the run panel and a dialog', async () => {
    const pages = ['/', '/workflows', workflowUrl, `${workflowUrl}/runs`, '/deployments', '/api-keys', '/providers', '/users'];
    for (const path of pages) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      expect({ path, problems: await accessibilityProblems(page) }).toEqual({ path, problems: [] });
    }
    await page.goto(workflowUrl);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    expect({ path: 'run panel', problems: await accessibilityProblems(page) }).toEqual({ path: 'run panel', problems: [] });
    await page.goto('/api-keys');
    await page.getByRole('button', { name: 'New API key' }).first().click();
    expect({ path: 'new key dialog', problems: await accessibilityProblems(page) }).toEqual({ path: 'new key dialog', problems: [] });
    await page.keyboard.press('Escape');
  });

  it('works with the keyboard alone: create a workflow, add a node from the palette, save', async () => {
    await page.goto('/workflows');
    await tabTo(page, page.getByRole('button', { name: 'New workflow' }).first());
    await page.keyboard.press('Enter');
    // The dialog puts the focus in its first field.
    await page.keyboard.type('Keyboard only');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/workflows\/[^/]+$/);
    await tabTo(page, page.getByRole('button', { name: 'Add template node' }));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('group', { name: 'Node template_1', exact: true }).count()).toBe(1);
    const settings = page.getByRole('region', { name: 'Node settings' });
    await tabTo(page, settings.getByRole('textbox', { name: 'template', exact: true }));
    await page.keyboard.type('Hi');
    // Connect start → template_1: focus the start node on the canvas, select it, add the edge.
    await tabTo(page, page.getByRole('group', { name: 'Node start', exact: true }));
    await page.keyboard.press('Enter');
    await tabTo(page, settings.getByLabel('Connect to', { exact: true }));
    await settings.getByLabel('Connect to', { exact: true }).selectOption('template_1');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByText('All changes saved').isVisible()).toBe(true);
  });

  it('fits a phone screen (390×844) on every page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/', '/workflows', workflowUrl, `${workflowUrl}/runs`, '/deployments', '/api-keys', '/providers', '/users']) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      expect({ path, overflows: await overflowsHorizontally(page) }).toEqual({ path, overflows: false });
    }
    await page.goto('/');
    await screenshot(page, 'dashboard-phone');
    await page.goto(workflowUrl);
    await screenshot(page, 'editor-phone');
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('signs out: the cookie is gone and a reload stays signed out', async () => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.reload();
    await page.waitForURL(/\/sign-in/);
    expect((await context.cookies()).find((cookie) => cookie.name === 'flowgate_refresh')).toBeUndefined();
  });

  it('met no script error and no Content-Security-Policy violation on the way', () => {
    expect(problems).toEqual([]);
  });
});
