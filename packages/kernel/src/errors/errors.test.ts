import { describe, expect, it } from 'vitest';
import { FlowgateError, InputError, NotFoundError, RateLimitedError, UnavailableError, ValidationError } from './errors.js';

describe('kernel errors', () => {
  it('are Errors named after their class, with a stable code', () => {
    const error = new NotFoundError('No workflow wf_1');

    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(FlowgateError);
    expect(error.name).toBe('NotFoundError');
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('No workflow wf_1');
    expect(error.stack).toContain('NotFoundError');
  });

  it('keep the cause and the safe details they are given', () => {
    const cause = new Error('socket hang up');
    const error = new InputError('bad subject', { cause, details: { subject: 'a..b' } });

    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ subject: 'a..b' });
    expect(new InputError('plain')).not.toHaveProperty('cause');
  });

  it('carry the field problems of a validation failure', () => {
    const error = new ValidationError('invalid', [{ path: '/name', message: 'is required' }]);
    expect(error.errors).toEqual([{ path: '/name', message: 'is required' }]);
  });

  it('keep retry-after in whole seconds, at least one', () => {
    expect(new RateLimitedError('slow', 0).retryAfterSeconds).toBe(1);
    expect(new RateLimitedError('slow', 59.1).retryAfterSeconds).toBe(60);
    expect(new UnavailableError('down').retryAfterSeconds).toBe(5);
    expect(new UnavailableError('down', { retryAfterSeconds: 0.3 }).retryAfterSeconds).toBe(1);
  });
});
