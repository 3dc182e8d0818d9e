import type { FieldProblem } from '@flowgate/kernel';

/**
 * The rules of a provider's fields beyond their JSON Schema, checked by the service so that a
 * local caller meets them too: an http(s) URL without credentials, and distinct model names.
 */
export function baseUrlProblems(baseUrl: string): FieldProblem[] {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return [{ path: '/base_url', message: 'must be an http or https URL' }];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [{ path: '/base_url', message: 'must be an http or https URL' }];
  // Credentials in the URL would be stored in clear and shown to every reader: they go in api_key.
  if (url.username !== '' || url.password !== '') return [{ path: '/base_url', message: 'must not contain credentials: put the key in api_key' }];
  if (url.search !== '' || url.hash !== '') return [{ path: '/base_url', message: 'must not have a query or fragment: /chat/completions is appended to it' }];
  return [];
}

export function modelProblems(models: string[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (models.length === 0) problems.push({ path: '/models', message: 'must list at least one model' });
  if (models.length > 100) problems.push({ path: '/models', message: 'must list at most 100 models' });
  const seen = new Set<string>();
  models.forEach((model, index) => {
    if (model.trim() === '') problems.push({ path: `/models/${index}`, message: 'must not be empty' });
    else if (seen.has(model)) problems.push({ path: `/models/${index}`, message: `repeats ${model}` });
    seen.add(model);
  });
  return problems;
}

/** `{base_url}/chat/completions` is what gets called: a trailing slash would double it. */
export const normalizeBaseUrl = (baseUrl: string) => baseUrl.replace(/\/+$/, '');
