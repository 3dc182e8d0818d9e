import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertionHeader, createLogger } from '@flowgate/kernel';
import type { WorkflowsApi } from '../src/contract.js';
import { migratedPglite, newService, serviceApp, type TestDatabase } from './support/harness.js';
import { adminUser, asAdmin, asEngine, secretKey } from './support/suite-context.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await migratedPglite();
});
afterAll(async () => {
  await database.close();
});

it('never writes an LLM provider\'s API key to the log, at any level', async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
  const { service: local, engine } = newService({ db: database.db, logger });
  const service: WorkflowsApi = local;
  engine.testResult = { ok: false, latency_ms: 5, error: `rejected ${secretKey}` };
  const { app, signer } = await serviceApp(service, logger);
  try {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/llm/providers',
      headers: { [assertionHeader]: await signer.sign({ principal: adminUser }) },
      payload: { name: 'Logged', kind: 'openai_compatible', base_url: 'https://llm.example.com', api_key: secretKey, models: ['m'] },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json() as { id: string };
    await service.updateLlmProvider({ id, api_key: `${secretKey}-2` }, asAdmin);
    await service.testLlmProvider({ id }, asAdmin);
    await service.getProviderConnection({ id }, asEngine);
    await service.deleteLlmProvider({ id }, asAdmin);
  } finally {
    await app.close();
  }
  expect(lines.join('')).toMatch(/LLM provider created/);
  expect(lines.join('')).toMatch(/LLM provider deleted/);
  expect(lines.join('')).not.toContain(secretKey);
});
