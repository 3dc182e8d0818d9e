import { FlowgateError } from '../errors/errors.js';

/** A module's migrations cannot be applied; `file` names the migration at fault, when there is one. */
export class MigrationError extends FlowgateError {
  readonly code = 'migration_failed';
  readonly module: string;
  readonly file: string | undefined;

  constructor(message: string, where: { module: string; file?: string }, options?: { cause?: unknown }) {
    super(message, { ...options, details: { module: where.module, file: where.file } });
    this.module = where.module;
    this.file = where.file;
  }
}
