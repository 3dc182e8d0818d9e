import type { paths } from './schema';

type Method = 'get' | 'post' | 'patch' | 'delete';
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;

/** The JSON answer of an operation (its 200, else its 201), by path and method. */
export type Answer<P extends keyof paths, M extends Method> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: infer Ok }
    ? JsonOf<Ok>
    : R extends { 201: infer Created }
      ? JsonOf<Created>
      : never
  : never;

/** The JSON body of an operation, by path and method. */
export type Body<P extends keyof paths, M extends Method> = paths[P][M] extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

export type Workflow = Answer<'/api/v1/workflows/{id}', 'get'>;
export type Graph = Workflow['graph'];
export type GraphNode = Graph['nodes'][number];
export type GraphEdge = Graph['edges'][number];
export type RunDetail = Answer<'/api/v1/runs/{run_id}', 'get'>;
export type CurrentUser = Answer<'/api/v1/auth/me', 'get'>;
export type NodeTypeInfo = Answer<'/api/v1/node-types', 'get'>['items'][number];
