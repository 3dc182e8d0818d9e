import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, startTestPlatform, type TestPlatform } from '../../server/test/platform-fixture.js';
// @ts-expect-error: a plain ES module of the console's build scripts, without types
import { typesFromDocument } from '../scripts/openapi-types.mjs';

const committed = (path: string) => readFileSync(new URL(`../src/${path}`, import.meta.url), 'utf8');

// The console is typed by src/api/schema.d.ts. While it matches what the gateway serves, a
// change to the API that the console's code does not follow fails the console's type check
// (and so the build); this test fails when the API changed and the types were not regenerated.
describe('the console is typed by the API the gateway serves', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform?.close());

  it('has src/api/schema.d.ts generated from the current /openapi.json (npm run console:api)', async () => {
    const document = (await platform.call({ method: 'GET', url: '/openapi.json' })).json();
    expect(await typesFromDocument(document)).toBe(committed('api/schema.d.ts'));
  });

  it('tests its forms against the node types the engine serves today', async () => {
    const { access_token } = await bootstrapAdmin(platform);
    const live = (await platform.call({ method: 'GET', url: '/api/v1/node-types', headers: platform.bearer(access_token) })).json();
    expect(live).toEqual(JSON.parse(committed('testing/node-types.json')));
  });
});
