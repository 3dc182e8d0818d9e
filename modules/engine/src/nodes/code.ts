import { Type } from '@sinclair/typebox';
import { CodeSandbox } from '../sandbox/code-sandbox.js';
import { defineNode } from './node-type.js';

const CodeData = Type.Object({
  language: Type.Literal('javascript'),
  /** Defines `function main(inputs) { return {...} }`; passed through unresolved (`raw`). */
  code: Type.String({ minLength: 1, maxLength: 100_000 }),
  /** `{name: reference}`; they arrive resolved, as `main`'s argument. */
  inputs: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
}, { additionalProperties: false });

const CodeOutput = Type.Record(Type.String(), Type.Unknown(), { description: "The object `main` returns" });

/**
 * A `code` node running in `sandbox`. The engine builds one with a sandbox sized from its
 * configuration (`FLOWGATE_CODE_MEMORY_LIMIT_MB`, `FLOWGATE_CODE_TIME_LIMIT_MS`) and closes that
 * sandbox when it stops.
 */
export function createCodeNode(sandbox: CodeSandbox) {
  return defineNode({
    type: 'code',
    summary: 'Runs JavaScript `main(inputs)` in an isolated sandbox (no I/O, memory and time limits) and outputs the object it returns',
    data: CodeData,
    output: CodeOutput,
    raw: ['code'],
    validate(data) {
      return /\bmain\b/.test(data.code) ? [] : [{ path: '/code', message: 'must define function main(inputs)' }];
    },
    async execute({ data, signal, logger }) {
      const result = await sandbox.run({ code: data.code, inputs: data.inputs ?? {}, signal });
      logger.debug({ context_ms: result.contextMs, script_ms: result.scriptMs }, 'code ran');
      return result.output;
    },
  });
}

/**
 * With the default limits (64 MiB, 1000 ms) and a process-wide pool of one worker per core,
 * started on first use; idle workers do not keep the process alive.
 */
export const codeNode = createCodeNode(new CodeSandbox());
