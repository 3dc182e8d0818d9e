import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AuthenticationError,
  FlowgateError,
  InputError,
  NotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
  toProblem,
  type FieldProblem,
} from '../errors/index.js';

interface AjvIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function fieldProblems(issues: AjvIssue[]): FieldProblem[] {
  return issues.map((issue) => {
    const missing = issue.keyword === 'required' ? `/${String(issue.params.missingProperty)}` : '';
    const extra = issue.keyword === 'additionalProperties' ? `/${String(issue.params.additionalProperty)}` : '';
    return { path: `${issue.instancePath}${missing}${extra}` || '/', message: issue.message ?? issue.keyword };
  });
}

/** Framework errors (parsing, validation, limits) become the kernel's classes, so one mapping applies. */
function normalise(error: FastifyError): unknown {
  if (error instanceof FlowgateError) return error;
  if (error.validation) {
    const problems = fieldProblems(error.validation as AjvIssue[]);
    const where = error.validationContext;
    if (where === 'querystring' || where === 'params') {
      return new InputError(`Invalid ${where === 'params' ? 'path parameter' : 'query parameter'}: ${problems.map((p) => `${p.path.slice(1)} ${p.message}`).join('; ')}`, { details: { errors: problems } });
    }
    if (where === 'body' && error.validation.length === 1 && problems[0]?.path === '/' && /must be object/.test(problems[0].message)) {
      return new InputError('The request body must be a JSON object');
    }
    return new ValidationError('The request is not valid', problems.map((p) => ({ ...p })));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError('The request body is larger than the limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaTypeError('Send JSON with content-type: application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InputError('The request body is empty or its length is wrong');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new InputError('The request body is not valid JSON');
  }
  if (error.statusCode === 429) return new RateLimitedError('Too many requests', 60);
  if (error.statusCode === 503) return new UnavailableError('The service is shutting down or unavailable');
  // Any other client error a framework or plugin raises (414 URI too long, 431, …) stays a 4xx:
  // it is the caller's mistake, not a 500 to log at error.
  const status = error.statusCode ?? 500;
  if (status === 401) return new AuthenticationError('Authentication required');
  if (status === 403) return new NotAllowedError('Not allowed');
  if (status === 404) return new NotFoundError('Not found');
  if (error instanceof SyntaxError || (status >= 400 && status < 500)) return new InputError('The request is malformed');
  return error;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const problem = toProblem(error, { instance: request.url.split('?')[0], requestId: request.id });
  if (problem.status >= 500) request.log.error({ err: error, request_id: request.id }, 'request failed');
  if (problem.retry_after !== undefined) reply.header('retry-after', String(problem.retry_after));
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/**
 * For Fastify's `frameworkErrors` (a malformed URL, an over-long parameter): these are answered
 * before any hook runs, so the request id is set here.
 */
export function sendFrameworkProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id);
  return sendProblem(request, reply, normalise(error));
}

/** The one error-to-response mapping of the server: RFC 9457 problem+json, never a stack. */
export function installProblemHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => sendProblem(request, reply, normalise(error)));
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, new NotFoundError(`No route ${request.method} ${request.url.split('?')[0]}`)));
}
