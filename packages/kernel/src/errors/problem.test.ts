import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConflictError,
  FlowgateError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  UpstreamTimeoutError,
  ValidationError,
  type FieldProblem,
} from './errors.js';
import { RemoteInternalError, fromProblem, isProblem, problemType, toProblem } from './problem.js';

/** Every kernel error class, how to build one, and the status and code the one mapping gives it. */
const cases = [
  { name: 'InputError', make: (m: string) => new InputError(m), status: 400, code: 'bad_request' },
  { name: 'AuthenticationError', make: (m: string) => new AuthenticationError(m), status: 401, code: 'unauthenticated' },
  { name: 'NotAllowedError', make: (m: string) => new NotAllowedError(m), status: 403, code: 'forbidden' },
  { name: 'NotFoundError', make: (m: string) => new NotFoundError(m), status: 404, code: 'not_found' },
  { name: 'ConflictError', make: (m: string) => new ConflictError(m), status: 409, code: 'conflict' },
  { name: 'PayloadTooLargeError', make: (m: string) => new PayloadTooLargeError(m), status: 413, code: 'payload_too_large' },
  { name: 'UnsupportedMediaTypeError', make: (m: string) => new UnsupportedMediaTypeError(m), status: 415, code: 'unsupported_media_type' },
  { name: 'ValidationError', make: (m: string) => new ValidationError(m, [{ path: '/name', message: 'is required' }]), status: 422, code: 'validation_failed' },
  { name: 'RateLimitedError', make: (m: string) => new RateLimitedError(m, 30), status: 429, code: 'rate_limited' },
  { name: 'UnavailableError', make: (m: string) => new UnavailableError(m, { retryAfterSeconds: 7 }), status: 503, code: 'unavailable' },
  { name: 'UpstreamTimeoutError', make: (m: string) => new UpstreamTimeoutError(m), status: 504, code: 'upstream_timeout' },
] as const;

const context = { instance: '/api/v1/workflows/wf_1', requestId: 'req-123' };

describe('toProblem', () => {
  it.each(cases)('maps $name to $status with its code, type, request id and instance', ({ make, status, code }) => {
    const problem = toProblem(make('what went wrong'), context);

    expect(problem).toMatchObject({
      status,
      code,
      type: `https://flowgate.dev/problems/${code.replaceAll('_', '-')}`,
      detail: 'what went wrong',
      instance: '/api/v1/workflows/wf_1',
      request_id: 'req-123',
    });
    expect(problem.title).toEqual(expect.any(String));
    expect(problem.title.length).toBeGreaterThan(0);
    expect(problemType(code)).toBe(problem.type);
  });

  it('covers every status code API.md names, once each', () => {
    expect(cases.map((c) => c.status)).toEqual([400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 504]);
  });

  it('lists every field problem of a ValidationError under errors', () => {
    const errors: FieldProblem[] = [
      { path: '/graph/nodes/2/data/url', message: 'must be a URL' },
      { path: '/name', message: 'is required' },
    ];
    const problem = toProblem(new ValidationError('The workflow is not valid', errors));

    expect(problem.status).toBe(422);
    expect(problem.errors).toEqual(errors);
  });

  it('carries errors only for validation problems', () => {
    for (const { make, code } of cases) {
      if (code === 'validation_failed') continue;
      expect(toProblem(make('x'))).not.toHaveProperty('errors');
    }
  });

  it('carries retry_after for rate-limited and unavailable errors', () => {
    expect(toProblem(new RateLimitedError('slow down', 42)).retry_after).toBe(42);
    expect(toProblem(new UnavailableError('engine is down', { retryAfterSeconds: 9 })).retry_after).toBe(9);
    expect(toProblem(new UnavailableError('engine is down')).retry_after).toBe(5);
    expect(toProblem(new NotFoundError('gone'))).not.toHaveProperty('retry_after');
  });

  it('rounds retry_after up to whole seconds, at least one (Retry-After takes only digits)', () => {
    expect(toProblem(new RateLimitedError('slow down', 0.2)).retry_after).toBe(1);
    expect(toProblem(new RateLimitedError('slow down', 2.5)).retry_after).toBe(3);
    expect(toProblem(new UnavailableError('down', { retryAfterSeconds: 2.5 })).retry_after).toBe(3);
    expect(toProblem(new UnavailableError('down', { retryAfterSeconds: 0 })).retry_after).toBe(1);
  });

  it('turns an unknown error into a 500 whose detail reveals nothing of the original', () => {
    const secret = 'connect ECONNREFUSED postgres://admin:hunter2@10.0.0.5:5432';
    const problem = toProblem(new Error(secret), context);

    expect(problem.status).toBe(500);
    expect(problem.code).toBe('internal');
    expect(problem.type).toBe('https://flowgate.dev/problems/internal');
    expect(problem.request_id).toBe('req-123');
    expect(problem.instance).toBe('/api/v1/workflows/wf_1');
    expect(problem.detail).not.toContain('hunter2');
    expect(problem.detail).not.toContain('ECONNREFUSED');
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    expect(problem).not.toHaveProperty('stack');
  });

  it('turns thrown non-errors into the same generic 500', () => {
    for (const thrown of ['a string', 42, null, undefined, { message: 'secret' }]) {
      const problem = toProblem(thrown);
      expect(problem.status).toBe(500);
      expect(problem.detail).not.toContain('secret');
    }
  });

  it('shows safe details as extension members but never lets them override the standard members', () => {
    const error = new ConflictError('The slug is taken', { details: { slug: 'my-app', status: 200, code: 'ok', type: 'x', detail: 'y' } });
    const problem = toProblem(error, context);

    expect(problem.slug).toBe('my-app');
    expect(problem.status).toBe(409);
    expect(problem.code).toBe('conflict');
    expect(problem.type).toBe(problemType('conflict'));
    expect(problem.detail).toBe('The slug is taken');
  });

  it('omits instance and request_id from the JSON when they are not known', () => {
    const json = JSON.parse(JSON.stringify(toProblem(new NotFoundError('gone')))) as Record<string, unknown>;
    expect(json).not.toHaveProperty('instance');
    expect(json).not.toHaveProperty('request_id');
  });
});

describe('fromProblem', () => {
  it('rebuilds the same class with the same message, for every class and any message (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.string({ minLength: 1 }), (kase, message) => {
        const original = kase.make(message);
        // Through JSON, as it travels between services.
        const rebuilt = fromProblem(JSON.parse(JSON.stringify(toProblem(original, context))));

        expect(rebuilt).toBeInstanceOf(original.constructor);
        expect(rebuilt).toBeInstanceOf(FlowgateError);
        expect(rebuilt.constructor.name).toBe(kase.name);
        expect(rebuilt.name).toBe(kase.name);
        expect(rebuilt.message).toBe(message);
        expect(rebuilt.code).toBe(kase.code);
      }),
    );
  });

  it('keeps the field problems of a ValidationError', () => {
    const errors = [{ path: '/graph/edges/0/source', message: 'names no node' }];
    const rebuilt = fromProblem(toProblem(new ValidationError('The graph is not valid', errors)));

    expect(rebuilt).toBeInstanceOf(ValidationError);
    expect((rebuilt as ValidationError).errors).toEqual(errors);
  });

  it('keeps retry-after of rate-limited and unavailable errors (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400 }), (seconds) => {
        const limited = fromProblem(toProblem(new RateLimitedError('slow down', seconds)));
        const unavailable = fromProblem(toProblem(new UnavailableError('down', { retryAfterSeconds: seconds })));

        expect(limited).toBeInstanceOf(RateLimitedError);
        expect((limited as RateLimitedError).retryAfterSeconds).toBe(seconds);
        expect(unavailable).toBeInstanceOf(UnavailableError);
        expect((unavailable as UnavailableError).retryAfterSeconds).toBe(seconds);
      }),
    );
  });

  it('turns a problem of unknown code into a RemoteInternalError with its status', () => {
    const rebuilt = fromProblem({ type: 'about:blank', title: 'Bad gateway', status: 502, detail: 'upstream broke', code: 'weird' });

    expect(rebuilt).toBeInstanceOf(RemoteInternalError);
    expect(rebuilt.message).toBe('upstream broke');
    expect((rebuilt as RemoteInternalError).status).toBe(502);
  });

  it('keeps a remote 500 generic when it is passed on again', () => {
    const remote = fromProblem(toProblem(new Error('password=hunter2')));
    const again = toProblem(remote);

    expect(remote).toBeInstanceOf(RemoteInternalError);
    expect(again.status).toBe(500);
    expect(JSON.stringify(again)).not.toContain('hunter2');
  });
});

describe('isProblem', () => {
  it('recognises problems and refuses other bodies', () => {
    expect(isProblem(toProblem(new NotFoundError('gone')))).toBe(true);
    expect(isProblem({ status: 404 })).toBe(false);
    expect(isProblem({ code: 'not_found' })).toBe(false);
    expect(isProblem('not found')).toBe(false);
    expect(isProblem(null)).toBe(false);
  });
});
