import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/**
 * The OpenAPI 3.1 document of every route the gateway serves, derived from the same schemas that
 * validate requests, at /openapi.json, and a page that renders it at /docs.
 */
export async function installOpenApi(app: FastifyInstance, info: { version: string }) {
  // The docs page's own routes (HTML, scripts, styles) are public and not rate limited.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config as object), access: { kind: 'public' }, rateLimit: false };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Flowgate API',
        version: info.version,
        description: 'Build, deploy and run AI workflows. Errors are RFC 9457 problem+json; every response carries x-request-id.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An access token from /api/v1/auth/login, or an API key (fg_…)' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { url: '/openapi.json', deepLinking: true } });
  app.get('/openapi.json', { config: { access: { kind: 'public' }, rateLimit: false }, schema: { hide: true } }, () => app.swagger());
}
