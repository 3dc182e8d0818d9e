import type { WorkflowVersion } from '../workflows/workflow-queries';

type InputType = 'string' | 'number' | 'boolean' | 'object' | 'array';

interface StartInput {
  name: string;
  type: InputType;
  default?: unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The start node's declared inputs; the graph is stored as the API got it, so it is read with care. */
export function startInputsOf(graph: WorkflowVersion['graph'] | undefined): StartInput[] {
  const start = graph?.nodes.find((node) => isObject(node) && node.type === 'start');
  const inputs = isObject(start) && isObject(start.data) && Array.isArray(start.data.inputs) ? start.data.inputs : [];
  return inputs.filter((input): input is StartInput => isObject(input) && typeof input.name === 'string' && typeof input.type === 'string');
}

const placeholder: Record<InputType, unknown> = { string: '', number: 0, boolean: false, object: {}, array: [] };

/** An `inputs` object with every start input, at its default or an empty value of its type. */
export function sampleInputs(inputs: StartInput[]): Record<string, unknown> {
  return Object.fromEntries(inputs.map((input) => [input.name, input.default !== undefined ? input.default : (placeholder[input.type] ?? null)]));
}

/** Quotes a string for a POSIX shell: inside single quotes, a quote is closed, escaped and reopened. */
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** A curl command that runs a deployment in blocking mode with an API key from the environment. */
export function curlExample(origin: string, url: string, inputs: Record<string, unknown>): string {
  const body = JSON.stringify({ inputs, response_mode: 'blocking' });
  return [`curl -X POST ${origin}${url}`, `-H "Authorization: Bearer $FLOWGATE_API_KEY"`, `-H 'content-type: application/json'`, `-d ${shellQuote(body)}`].join(' \\\n  ');
}
