import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimitedError, UnavailableError, type KeyValueStore } from '@flowgate/kernel';
import type { Logger } from 'pino';

export interface RateLimiterOptions {
  store: KeyValueStore;
  logger: Logger;
  /** Requests per minute per authenticated principal; 0 disables. */
  perPrincipal: number;
  /** Requests per minute per client IP when unauthenticated; 0 disables. */
  perIp: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false exempts a route (health, metrics, docs) from rate limiting. */
    rateLimit?: boolean;
  }
}

const windowMs = 60_000;

/**
 * Fixed-window limits in the shared store (memory, or Redis so all gateway replicas count
 * together). Every limited response carries the RateLimit-* headers; past the limit, 429 with
 * Retry-After. If the store is down the request goes through: an outage of the limiter must not
 * become an outage of the platform.
 */
export function createRateLimiter(options: RateLimiterOptions) {
  return async function admit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.routeOptions.config.rateLimit === false) return;
    const principal = request.principal;
    const [key, limit] = principal
      ? [`rl:p:${principal.api_key?.id ?? principal.user_id}`, options.perPrincipal]
      : [`rl:ip:${request.ip}`, options.perIp];
    if (limit === 0) return;
    let window;
    try {
      window = await options.store.increment(key, windowMs);
    } catch (error) {
      options.logger.warn({ err: error }, 'rate-limit store unavailable; request admitted');
      return;
    }
    const resetSeconds = Math.max(1, Math.ceil(window.resetMs / 1000));
    reply.header('ratelimit-limit', String(limit));
    reply.header('ratelimit-remaining', String(Math.max(0, limit - window.count)));
    reply.header('ratelimit-reset', String(resetSeconds));
    if (window.count > limit) throw new RateLimitedError(`Rate limit of ${limit} requests per minute exceeded`, resetSeconds);
  };
}

/**
 * Failed logins, counted per (account, client IP) and per client IP. An attacker who locks an
 * account out from one address does not lock out its owner on another.
 */
export function createLoginThrottle(options: { store: KeyValueStore; maxFailures: number; maxFailuresPerIp: number; windowSeconds: number }) {
  const windowMs = options.windowSeconds * 1000;
  const keys = (email: string, ip: string) => ({
    pair: `login:a:${email.trim().toLowerCase()}:${ip}`,
    ip: `login:ip:${ip}`,
  });
  const exceeded = async (key: string, max: number) => {
    if (max === 0) return undefined;
    const raw = await options.store.get(key);
    if (!raw) return undefined;
    const { count, until } = JSON.parse(raw) as { count: number; until: number };
    return count >= max ? Math.max(1, Math.ceil((until - Date.now()) / 1000)) : undefined;
  };
  const bump = async (key: string) => {
    const window = await options.store.increment(`${key}:n`, windowMs);
    await options.store.set(key, JSON.stringify({ count: window.count, until: Date.now() + window.resetMs }), window.resetMs);
  };
  return {
    /** Throws 429 when this account from this address, or this address overall, failed too often. */
    async check(email: string, ip: string) {
      const k = keys(email, ip);
      let retryAfter: number | undefined;
      try {
        retryAfter = (await exceeded(k.pair, options.maxFailures)) ?? (await exceeded(k.ip, options.maxFailuresPerIp));
      } catch (error) {
        throw new UnavailableError('Login is briefly unavailable', { cause: error });
      }
      if (retryAfter !== undefined) throw new RateLimitedError('Too many failed logins; try again later', retryAfter);
    },
    async failed(email: string, ip: string) {
      const k = keys(email, ip);
      await Promise.all([bump(k.pair), bump(k.ip)]);
    },
    async succeeded(email: string, ip: string) {
      const k = keys(email, ip);
      await Promise.all([options.store.delete(k.pair), options.store.delete(`${k.pair}:n`)]);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
