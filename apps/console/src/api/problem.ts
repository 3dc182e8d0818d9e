/** A field problem of a 422 answer: a JSON pointer into the request body and what is wrong there. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** An RFC 9457 problem the API answered with, as an Error the console can throw and show. */
export class ProblemError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldProblem[];
  readonly requestId: string | undefined;

  constructor(status: number, body: unknown) {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const title = typeof problem.title === 'string' ? problem.title : `Request failed (${status})`;
    super(title);
    this.name = 'ProblemError';
    this.status = status;
    this.title = title;
    this.detail = typeof problem.detail === 'string' ? problem.detail : undefined;
    this.errors = Array.isArray(problem.errors) ? problem.errors.filter(isFieldProblem) : [];
    this.requestId = typeof problem.request_id === 'string' ? problem.request_id : undefined;
  }
}

function isFieldProblem(value: unknown): value is FieldProblem {
  return typeof value === 'object' && value !== null && typeof (value as FieldProblem).path === 'string' && typeof (value as FieldProblem).message === 'string';
}

/** Any thrown value as a problem to show: network failures and bugs get a title too. */
export function problemOf(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof TypeError) return new ProblemError(0, { title: 'The platform cannot be reached', detail: error.message });
  return new ProblemError(0, { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) });
}
