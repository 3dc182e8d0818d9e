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

/** RFC 9457 problem details, with Flowgate's extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  request_id?: string;
  code: string;
  errors?: FieldProblem[];
  retry_after?: number;
  [extension: string]: unknown;
}

interface ProblemKind {
  status: number;
  title: string;
  rebuild(detail: string, problem: Problem): FlowgateError;
}

const retryAfter = (problem: Problem) => (typeof problem.retry_after === 'number' ? problem.retry_after : 5);

/** The one mapping between error classes and HTTP, read in both directions. */
const kinds: Record<string, ProblemKind> = {
  bad_request: { status: 400, title: 'Bad request', rebuild: (d) => new InputError(d) },
  unauthenticated: { status: 401, title: 'Unauthenticated', rebuild: (d) => new AuthenticationError(d) },
  forbidden: { status: 403, title: 'Forbidden', rebuild: (d) => new NotAllowedError(d) },
  not_found: { status: 404, title: 'Not found', rebuild: (d) => new NotFoundError(d) },
  conflict: { status: 409, title: 'Conflict', rebuild: (d) => new ConflictError(d) },
  payload_too_large: { status: 413, title: 'Payload too large', rebuild: (d) => new PayloadTooLargeError(d) },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', rebuild: (d) => new UnsupportedMediaTypeError(d) },
  validation_failed: { status: 422, title: 'Validation failed', rebuild: (d, p) => new ValidationError(d, p.errors ?? []) },
  rate_limited: { status: 429, title: 'Too many requests', rebuild: (d, p) => new RateLimitedError(d, retryAfter(p)) },
  unavailable: { status: 503, title: 'Service unavailable', rebuild: (d, p) => new UnavailableError(d, { retryAfterSeconds: retryAfter(p) }) },
  upstream_timeout: { status: 504, title: 'Upstream timeout', rebuild: (d) => new UpstreamTimeoutError(d) },
};

const internal = { status: 500, title: 'Internal server error' };

export const problemType = (code: string) => `https://flowgate.dev/problems/${code.replaceAll('_', '-')}`;

/**
 * Turns any thrown value into a problem. Unknown errors become a generic 500 whose detail reveals
 * nothing; the caller logs the original.
 */
export function toProblem(error: unknown, context: { instance?: string; requestId?: string } = {}): Problem {
  const base = { instance: context.instance, request_id: context.requestId };
  if (error instanceof FlowgateError) {
    const kind = kinds[error.code] ?? internal;
    // Details come first: they add extension members but never replace the standard ones.
    const problem: Problem = {
      ...error.details,
      type: problemType(error.code),
      title: kind.title,
      status: kind.status,
      detail: error.message,
      code: error.code,
      ...base,
    };
    if (error instanceof ValidationError) problem.errors = error.errors;
    if (error instanceof RateLimitedError || error instanceof UnavailableError) problem.retry_after = error.retryAfterSeconds;
    return problem;
  }
  return {
    type: problemType('internal'),
    title: internal.title,
    status: internal.status,
    detail: 'An unexpected error occurred. Quote the request id when reporting it.',
    code: 'internal',
    ...base,
  };
}


/** The inverse of toProblem: a remote problem becomes the same error class the service threw. */
export function fromProblem(problem: Problem): FlowgateError {
  const kind = kinds[problem.code];
  if (kind) return kind.rebuild(problem.detail, problem);
  return new RemoteInternalError(problem.detail || 'The remote service failed', problem.status);
}

/** A 5xx from a remote service that is not one of ours. */
export class RemoteInternalError extends FlowgateError {
  readonly code = 'internal';
  readonly status: number;

  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).status === 'number' && typeof (value as Problem).code === 'string';
}
