import { InputError } from '../errors/index.js';

// NATS header names are printable ASCII without ':' or space; values must not break the line.
const headerName = /^[!-9;-~]+$/;
const headerValue = /^[^\r\n]*$/;

/** JSON text of a payload; rejects what JSON cannot carry so both buses fail the same way. */
export function encodePayload(subject: string, data: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new InputError(`bus payload for '${subject}' is not JSON-serializable`, { cause: error, details: { subject } });
  }
  if (text === undefined) throw new InputError(`bus payload for '${subject}' is not JSON-serializable (got ${typeof data})`, { details: { subject } });
  return text;
}

/**
 * Throws unless every header can travel in NATS. `Nats-*` names are the server's (de-duplication,
 * expectations) and are set by the bus itself.
 */
export function assertPublishHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    if (!headerName.test(name) || !headerValue.test(value)) {
      throw new InputError(`invalid bus header '${name}': printable ASCII name, single-line value`, { details: { header: name } });
    }
    if (name.toLowerCase().startsWith('nats-')) {
      throw new InputError(`bus header '${name}' is reserved: Nats-* headers are set by the bus`, { details: { header: name } });
    }
  }
}
