import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/swagger';
import { mergeExpositions, type HealthRegistry, type ScrapedExposition } from '../observability/index.js';
import type { Metrics } from '../observability/index.js';

// Probes answer anyone (load balancers, Kubernetes, the gateway's registry), even on a service.
const open = { access: { kind: 'public' }, rateLimit: false, probe: true } as const;

/**
 * Health and metrics, served by every Flowgate process (the gateway and each service alike), so
 * probes and scrapers can reach any of them.
 */
export function platformRoutes(options: {
  health: HealthRegistry;
  metrics: Metrics;
  /** The gateway of a split: other processes' metrics, served with its own at /metrics. */
  federate?: () => Promise<ScrapedExposition[]>;
}) {
  return async (app: FastifyInstance) => {
    const tags = ['platform'];
    // `?scope=self` leaves out the modules this process reaches elsewhere: what one service asks
    // of another, so that services needing each other do not probe in a circle.
    const scopeOf = (request: FastifyRequest) => ((request.query as { scope?: string }).scope === 'self' ? 'self' : 'all');
    const scoped = { querystring: Type.Object({ scope: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('self')])) }) };
    app.get('/health', { config: open, schema: { tags, summary: 'Overall status, version and topology', ...scoped } }, (request) => options.health.summary(scopeOf(request)));
    app.get('/health/live', { config: open, schema: { tags, summary: 'The process can serve' } }, () => ({ status: 'ok' }));
    app.get('/health/ready', { config: open, schema: { tags, summary: 'Dependencies answer; 503 names the one that does not', ...scoped } }, async (request, reply) => {
      const report = await options.health.ready(scopeOf(request));
      if (!report.ok) reply.code(503).header('retry-after', '5');
      return report;
    });
    app.get('/health/startup', { config: open, schema: { tags, summary: 'Start-up (migrations, warm-up) is done' } }, async (_request, reply) => {
      const report = options.health.startup();
      if (!report.ok) reply.code(503).header('retry-after', '1');
      return report;
    });
    app.get(
      '/health/detailed',
      { config: { access: { kind: 'user', role: 'admin', scope: 'admin' }, rateLimit: false } as const, schema: { tags, summary: 'Every dependency and module: latency, location, version (admin)' } },
      () => options.health.detailed(),
    );
    app.get('/metrics', { config: open, schema: { tags, summary: 'Prometheus text exposition' } }, async (_request, reply) => {
      const { contentType, body } = await options.metrics.render();
      return reply.type(contentType).send(options.federate ? mergeExpositions(body, await options.federate()) : body);
    });
  };
}
