/** Node indexes and the edges between them, as adjacency lists. */
export interface Topology {
  size: number;
  successors: number[][];
  predecessors: number[][];
}

export function createTopology(size: number, edges: readonly { source: number; target: number }[]): Topology {
  const successors: number[][] = Array.from({ length: size }, () => []);
  const predecessors: number[][] = Array.from({ length: size }, () => []);
  for (const { source, target } of edges) {
    successors[source]!.push(target);
    predecessors[target]!.push(source);
  }
  return { size, successors, predecessors };
}

/**
 * One cycle per strongly connected component that has one (Tarjan's algorithm, iterative so that
 * long chains cannot overflow the stack). Each cycle is a list of node indexes, first not repeated.
 */
export function findCycles(topology: Topology): number[][] {
  const { size, successors } = topology;
  const order = new Int32Array(size).fill(-1);
  const low = new Int32Array(size);
  const onStack = new Uint8Array(size);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  for (let root = 0; root < size; root++) {
    if (order[root] !== -1) continue;
    const frames: [node: number, next: number][] = [[root, 0]];
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [node, next] = frame;
      const out = successors[node]!;
      if (next < out.length) {
        frame[1]++;
        const child = out[next]!;
        if (order[child] === -1) {
          order[child] = low[child] = counter++;
          stack.push(child);
          onStack[child] = 1;
          frames.push([child, 0]);
        } else if (onStack[child]) {
          low[node] = Math.min(low[node]!, order[child]!);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === order[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || successors[node]!.includes(node)) components.push(component);
      }
    }
  }
  return components.map((component) => cycleWithin(topology, component));
}

/** A cycle inside a strongly connected component: walk successors inside it until one repeats. */
function cycleWithin(topology: Topology, component: number[]): number[] {
  const members = new Set(component);
  const seenAt = new Map<number, number>();
  const walk: number[] = [];
  let node = Math.min(...component);
  while (!seenAt.has(node)) {
    seenAt.set(node, walk.length);
    walk.push(node);
    node = topology.successors[node]!.find((next) => members.has(next))!;
  }
  return walk.slice(seenAt.get(node));
}

/** Every node reachable from `from` along `links` (successors or predecessors), `from` excluded. */
export function reachable(links: readonly number[][], from: number): Set<number> {
  const seen = new Set<number>();
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    for (const next of links[queue[i]!]!) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  seen.delete(from);
  return seen;
}
