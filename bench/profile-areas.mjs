// Where a process's CPU goes per request, from a V8 CPU profile (.cpuprofile, as
// bench/cpu-profile.mjs writes them). Each sample is charged to an area twice:
//   self     the area of the function running (Node's own JavaScript, native code and V8 apart);
//   charged  the nearest caller on the stack that belongs to a package or to Flowgate's code, so
//            time in Node's runtime (streams, sockets, crypto, timers) counts for whoever asked
//            for it (a hash for the authenticator, a socket write for undici). GC and "(program)"
//            stay apart.
// `flowgateRequestGroups` then sorts samples into what a request's CPU goes to (tracing, helmet,
// undici, ...) for bench/gateway-proxy.mjs and bench/split-runs.mjs. Figures are µs per request:
// sampled time divided by the requests the run answered.
import { readFileSync } from 'node:fs';

/** A package, a Flowgate folder (`modules/gateway/auth`), Node's runtime, or V8's pseudo-frames. */
export function areaOf({ functionName, url }) {
  if (!url) return functionName.startsWith('(') ? functionName : 'native';
  if (url.startsWith('node:')) return 'node runtime';
  const path = url.replace(/^file:\/\//, '');
  const dependency = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (dependency) return dependency[1];
  const repo = /\/(modules|packages|apps)\/([^/]+)\/dist\/([^/]+)/.exec(path);
  if (repo) return `${repo[1]}/${repo[2]}/${repo[3].replace(/\.js$/, '')}`;
  return path;
}

/** `name path:line` of a frame, the path from node_modules/ or the repository's top folder. */
const functionName = (frame) =>
  `${frame.functionName || '(anonymous)'}${frame.url ? ` ${frame.url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|modules|packages|apps)\//, '$1/')}:${frame.lineNumber + 1}` : ''}`;

const unowned = new Set(['node runtime', 'native', '(program)', '(garbage collector)', '(root)']);

/**
 * Self and charged CPU ms by area, self ms by function, over the busy samples of a profile; and,
 * given `classify(leafFrame, chargedArea, stack)` returning a label (`stack()`: the function names
 * from the sampled frame to the root), ms by those labels.
 */
export function profileAreas(file, classify) {
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const chargedArea = new Map();
  const chargeOf = (id) => {
    if (chargedArea.has(id)) return chargedArea.get(id);
    const frame = byId.get(id).callFrame;
    let area;
    if (frame.functionName === '(garbage collector)' || frame.functionName === '(program)') area = frame.functionName;
    else {
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const candidate = areaOf(byId.get(at).callFrame);
        if (!unowned.has(candidate)) {
          area = candidate;
          break;
        }
      }
      area ??= 'node runtime (unowned: sockets, HTTP parser, timers)';
    }
    chargedArea.set(id, area);
    return area;
  };
  // Function names from the sampled frame to the root, for a classify that needs the context.
  const stacks = new Map();
  const stackOf = (id) => {
    if (!stacks.has(id)) {
      const names = [];
      for (let at = id; at !== undefined; at = parent.get(at)) names.push(byId.get(at).callFrame.functionName);
      stacks.set(id, names);
    }
    return stacks.get(id);
  };
  const self = new Map();
  const charged = new Map();
  const functions = new Map();
  const groups = new Map();
  const inGroup = new Map();
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  let busyMs = 0;
  samples.forEach((id, i) => {
    const frame = byId.get(id).callFrame;
    if (frame.functionName === '(idle)') return;
    const ms = (timeDeltas[i + 1] ?? 0) / 1000;
    busyMs += ms;
    add(self, areaOf(frame), ms);
    add(charged, chargeOf(id), ms);
    if (classify) {
      const group = classify(frame, chargeOf(id), () => stackOf(id));
      add(groups, group, ms);
      if (!inGroup.has(group)) inGroup.set(group, new Map());
      add(inGroup.get(group), functionName(frame), ms);
    }
    add(functions, functionName(frame), ms);
  });
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return { busyMs, self: sorted(self), charged: sorted(charged), functions: sorted(functions), groups: sorted(groups), groupFunctions: new Map([...inGroup].map(([group, map]) => [group, sorted(map)])) };
}

/** Prints the areas (self and charged) and the top functions, in µs per request. */
export function printProfile(file, requests, { areas = 25, functions = 30, classify, measuredUs } = {}) {
  const profile = profileAreas(file, classify);
  const us = (ms) => ((ms * 1000) / requests).toFixed(1);
  const selfOf = new Map(profile.self);
  console.log(`\nbusy (sampled): ${us(profile.busyMs)} µs per request`);
  if (classify) {
    // Sampling itself slows the process down; `measuredUs` (CPU per request from /proc over the
    // same run) scales each share back to what the process spends.
    const scaled = measuredUs === undefined ? '' : ' | ≈ µs/req of the /proc figure';
    console.log(`\n| where the time goes | µs/req sampled | share${scaled} |`);
    console.log(`|---|---|---${measuredUs === undefined ? '' : '|---'}|`);
    for (const [label, ms] of profile.groups) {
      const share = ms / profile.busyMs;
      console.log(`| ${label} | ${us(ms)} | ${(100 * share).toFixed(1)}%${measuredUs === undefined ? '' : ` | ${(share * measuredUs).toFixed(1)}`} |`);
    }
    console.log('\nthe functions with the most self time in each group above 5 µs/req:');
    for (const [label, ms] of profile.groups) {
      if ((ms * 1000) / requests < 5) continue;
      const top = profile.groupFunctions.get(label).slice(0, 6).map(([name, fms]) => `${us(fms)} ${name}`);
      console.log(`  ${label}:\n      ${top.join('\n      ')}`);
    }
  }
  console.log('');
  console.log('| area | charged µs/req | self µs/req |');
  console.log('|---|---|---|');
  for (const [area, ms] of profile.charged.slice(0, areas)) console.log(`| ${area} | ${us(ms)} | ${us(selfOf.get(area) ?? 0)} |`);
  for (const [area, ms] of profile.self.filter(([a]) => unowned.has(a))) console.log(`| (self only) ${area} | — | ${us(ms)} |`);
  console.log(`\ntop self time, µs per request:`);
  for (const [name, ms] of profile.functions.slice(0, functions)) console.log(`  ${us(ms).padStart(6)}  ${name}`);
  return profile;
}

const socketWrites = new Set(['writeLatin1String', 'writeUtf8String', 'writeAsciiString', 'writeUcs2String', 'writeBuffer', 'writev']);
const asyncContextFrames = new Set(['trackPromise', 'promiseInitHook', 'promiseBeforeHook', 'promiseAfterHook', 'promiseResolveHook', 'emitInitScript', 'emitBeforeScript', 'emitAfterScript', 'emitDestroyScript', '_propagate', 'lookupPublicResource', 'executionAsyncResource']);
const streamFrames = new Set(['resume_', 'flow', 'endReadableNT', 'emitReadable_', 'afterWriteTick', 'resOnFinish', 'onFinish', 'emitCloseNT', 'pipeOnDrain', 'Readable.pipe', 'ondata', 'onend']);
const fastifyFamily = /^(fastify|find-my-way|avvio|light-my-request|fast-json-stringify|fast-querystring|fastq|@fastify\/(?!helmet).+|toad-cache|rfdc|secure-json-parse|ajv.*|fast-uri|json-schema-ref-resolver|process-warning|abstract-logging|fast-decode-uri-component|safe-regex2|ret|@sinclair\/typebox)$/;

/**
 * Labels for what a Flowgate HTTP process spends CPU on per request (a `classify` for
 * profileAreas/printProfile): socket syscalls and GC by the sampled frame; async-context hooks
 * by the sampled frame too (they run for every promise while AsyncLocalStorage is in use);
 * everything else by the package or Flowgate folder it is charged to.
 */
export function flowgateRequestGroups(frame, charged, stack) {
  const name = frame.functionName;
  if (name === '(garbage collector)') return 'garbage collection';
  if (socketWrites.has(name)) return 'socket writes (syscalls: on loopback the receiver\'s TCP work is done here too)';
  if (name === '(program)') return '(program): V8 and libuv outside JavaScript';
  if (frame.url === 'node:async_hooks' || asyncContextFrames.has(name)) return 'async context hooks (AsyncLocalStorage, for trace context)';
  if (charged === 'undici' || charged.startsWith('wasm://')) return 'undici (request to the service, response parsing; llhttp wasm)';
  if (['modules/gateway/routing', 'packages/kernel/module', 'cockatiel'].includes(charged)) return 'forwarding: route handler, HTTP transport, circuit breaker';
  if (charged.startsWith('modules/gateway/authentication') || charged === 'packages/kernel/auth' || charged === 'jose') return 'authentication and the service assertion';
  if (fastifyFamily.test(charged)) return 'fastify (routing, hooks, reply, validation/serialization)';
  if (charged === 'helmet' || charged === '@fastify/helmet') return 'security headers (helmet)';
  if (charged.startsWith('@opentelemetry/') || charged === 'packages/kernel/observability') return 'tracing (spans, propagation)';
  if (charged === 'prom-client') return 'metrics (prom-client)';
  if (charged === 'uuidv7') return 'request ids (uuidv7)';
  if (charged === 'pino' || charged.startsWith('@pinojs/') || charged === 'pino-std-serializers') return 'logging (pino child loggers)';
  if (charged === 'packages/kernel/http') return 'kernel HTTP chain (hooks, authorize, draining, problem handler)';
  if (charged.startsWith('modules/gateway/')) return 'gateway edge hooks (rate limiter, audit, login throttle, cache invalidation)';
  if (charged.startsWith('node runtime')) {
    const names = stack();
    if (names.some((n) => streamFrames.has(n))) return 'Node streams: piping an answer through (Readable/Writable machinery, end-of-stream)';
    if (names.some((n) => n === 'parserOnHeadersComplete' || n === 'parserOnIncoming' || n === 'onStreamRead' || n === 'parserOnMessageComplete')) return 'Node HTTP: reading sockets, parsing requests';
    if (names.includes('runMicrotasks')) return 'promise and microtask machinery';
    return 'Node runtime: other (timers, immediates, ticks)';
  }
  return `other: ${charged}`;
}
