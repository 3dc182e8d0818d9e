/** One problem in a validation failure, addressed by a JSON Pointer into the input. */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * The root of the kernel's error hierarchy. Errors carry a stable `code` and no HTTP: one handler
 * in the http layer maps them to problem+json, and the remote client maps problems back.
 */
export abstract class FlowgateError extends Error {
  abstract readonly code: string;
  /** Extra fields that are safe to show the caller (never secrets). */
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
  }
}

/** The request itself is malformed: unparsable JSON, a bad query value, a garbled cursor. */
export class InputError extends FlowgateError {
  readonly code = 'bad_request';
}

/** No credentials, or credentials that do not verify. */
export class AuthenticationError extends FlowgateError {
  readonly code = 'unauthenticated';
}

/** The caller is known but may not do this. */
export class NotAllowedError extends FlowgateError {
  readonly code = 'forbidden';
}

export class NotFoundError extends FlowgateError {
  readonly code = 'not_found';
}

/** The request collides with existing state (duplicate email, slug, name). */
export class ConflictError extends FlowgateError {
  readonly code = 'conflict';
}

/** Well-formed but invalid input; `errors` lists every problem with its path. */
export class ValidationError extends FlowgateError {
  readonly code = 'validation_failed';
  readonly errors: FieldProblem[];

  constructor(message: string, errors: FieldProblem[], options?: { cause?: unknown }) {
    super(message, options);
    this.errors = errors;
  }
}

export class PayloadTooLargeError extends FlowgateError {
  readonly code = 'payload_too_large';
}

export class UnsupportedMediaTypeError extends FlowgateError {
  readonly code = 'unsupported_media_type';
}

/** Too many requests; `retryAfterSeconds` becomes the Retry-After header. */
export class RateLimitedError extends FlowgateError {
  readonly code = 'rate_limited';
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/** A service this request needs is down; `retryAfterSeconds` becomes the Retry-After header. */
export class UnavailableError extends FlowgateError {
  readonly code = 'unavailable';
  readonly retryAfterSeconds: number;

  constructor(message: string, options?: { retryAfterSeconds?: number; cause?: unknown }) {
    super(message, options);
    // Retry-After takes whole seconds only (RFC 9110 delay-seconds).
    this.retryAfterSeconds = Math.max(1, Math.ceil(options?.retryAfterSeconds ?? 5));
  }
}

export class UpstreamTimeoutError extends FlowgateError {
  readonly code = 'upstream_timeout';
}
