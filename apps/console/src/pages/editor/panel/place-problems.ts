import { parsePointer, type MappedProblem } from '../model/problems';
import { anchorOf, type JsonSchema } from '../schema-form/json-schema';

/** Pointers inside a node that the common fields show, and the field that shows each. */
const COMMON: Readonly<Record<string, string>> = {
  '/id': '/id',
  '/on_error': '/on_error',
  '/retry': '/retry/max_attempts',
  '/retry/max_attempts': '/retry/max_attempts',
  '/retry/backoff_ms': '/retry/backoff_ms',
  '/timeout_ms': '/timeout_ms',
};

export interface PlacedProblems {
  /** Messages by the pointer (inside `data`) of the form control that shows them. */
  data: Map<string, string[]>;
  /** Messages of the common fields (`/id`, `/retry/max_attempts`…). */
  common: Map<string, string[]>;
  /** Problems no control shows: listed at the top of the panel. */
  general: MappedProblem[];
}

function add(map: Map<string, string[]>, key: string, message: string) {
  map.set(key, [...(map.get(key) ?? []), message]);
}

/** A node's problems placed at the controls of its settings that edit the values they are about. */
export function placeNodeProblems(problems: readonly MappedProblem[], dataSchema: JsonSchema): PlacedProblems {
  const placed: PlacedProblems = { data: new Map(), common: new Map(), general: [] };
  for (const problem of problems) {
    if (problem.target.kind !== 'node') continue;
    const { pointer } = problem.target;
    const common = COMMON[pointer];
    if (common) {
      add(placed.common, common, problem.message);
      continue;
    }
    const segments = parsePointer(pointer) ?? [];
    const anchor = segments[0] === 'data' ? anchorOf(dataSchema, segments.slice(1)) : undefined;
    if (anchor === undefined) placed.general.push(problem);
    else add(placed.data, anchor, problem.message);
  }
  return placed;
}
