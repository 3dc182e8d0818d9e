/** API.md's example workflow: Hello {{ start.name }}. */
export const greetingGraph = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
    { id: 'greet', type: 'template', data: { template: 'Hello {{ start.name }}' } },
    { id: 'end', type: 'end', data: { outputs: { greeting: '{{ greet.output }}' } } },
  ],
  edges: [
    { source: 'start', target: 'greet' },
    { source: 'greet', target: 'end' },
  ],
};

/** A workflow whose code node throws: the run fails, naming the node. */
export const failingGraph = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [] } },
    { id: 'boom', type: 'code', data: { language: 'javascript', code: 'function main(inputs) { throw new Error("boom") }', inputs: {} } },
    { id: 'end', type: 'end', data: { outputs: {} } },
  ],
  edges: [
    { source: 'start', target: 'boom' },
    { source: 'boom', target: 'end' },
  ],
};

/** A code node that spins until its time limit (set high for the suite): a run to cancel mid-way. */
export const spinningGraph = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [] } },
    { id: 'spin', type: 'code', data: { language: 'javascript', code: 'function main() { for (;;) {} }', inputs: {} } },
    { id: 'end', type: 'end', data: { outputs: {} } },
  ],
  edges: [
    { source: 'start', target: 'spin' },
    { source: 'spin', target: 'end' },
  ],
};

/** Branches: an if_else whose untaken side is skipped. */
export const branchingGraph = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: 'n', type: 'number', required: true }] } },
    { id: 'check', type: 'if_else', data: { conditions: [{ left: '{{ start.n }}', op: 'gt', right: 10 }], logic: 'and' } },
    { id: 'big', type: 'template', data: { template: 'big' } },
    { id: 'small', type: 'template', data: { template: 'small' } },
    { id: 'end_big', type: 'end', data: { outputs: { size: '{{ big.output }}' } } },
    { id: 'end_small', type: 'end', data: { outputs: { size: '{{ small.output }}' } } },
  ],
  edges: [
    { source: 'start', target: 'check' },
    { source: 'check', target: 'big', source_handle: 'true' },
    { source: 'check', target: 'small', source_handle: 'false' },
    { source: 'big', target: 'end_big' },
    { source: 'small', target: 'end_small' },
  ],
};

/** One llm node answering a question. */
export const chatGraph = (providerId: string, model: string) => ({
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: 'question', type: 'string', required: true }] } },
    { id: 'answer', type: 'llm', data: { provider_id: providerId, model, messages: [{ role: 'user', content: 'Q: {{ start.question }}' }] } },
    { id: 'end', type: 'end', data: { outputs: { text: '{{ answer.text }}', tokens: '{{ answer.usage.total_tokens }}' } } },
  ],
  edges: [
    { source: 'start', target: 'answer' },
    { source: 'answer', target: 'end' },
  ],
});
