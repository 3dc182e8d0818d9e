import { InputError } from '../errors/index.js';

// Lower-case tokens keep subjects identical in both implementations and in NATS permissions;
// `$` (NATS system subjects) and spaces are excluded on purpose.
const literalToken = /^[a-z0-9_-]+$/;
const durableName = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws unless `subject` is a concrete subject such as `engine.run.started`. */
export function assertPublishSubject(subject: string): void {
  if (!subject.split('.').every((token) => literalToken.test(token))) {
    throw new InputError(`invalid bus subject '${subject}': dot-separated tokens of a-z, 0-9, '_' or '-'`, { details: { subject } });
  }
}

/** Throws unless `pattern` is a subject pattern: tokens, `*` for one token, `>` as the last one. */
export function assertSubjectPattern(pattern: string): void {
  const tokens = pattern.split('.');
  const valid = tokens.every((token, index) => literalToken.test(token) || token === '*' || (token === '>' && index === tokens.length - 1));
  if (!valid) {
    throw new InputError(`invalid bus subject pattern '${pattern}': tokens of a-z, 0-9, '_' or '-', '*', or a final '>'`, { details: { subject: pattern } });
  }
}

export function assertDurableName(durable: string): void {
  if (!durableName.test(durable)) {
    throw new InputError(`invalid durable name '${durable}': 1-64 letters, digits, '_' or '-'`, { details: { durable } });
  }
}

/** NATS matching rules: `*` matches exactly one token, a final `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const patternTokens = pattern.split('.');
  const subjectTokens = subject.split('.');
  for (let index = 0; index < patternTokens.length; index++) {
    const token = patternTokens[index];
    if (token === '>') return subjectTokens.length > index;
    if (index >= subjectTokens.length) return false;
    if (token !== '*' && token !== subjectTokens[index]) return false;
  }
  return patternTokens.length === subjectTokens.length;
}
