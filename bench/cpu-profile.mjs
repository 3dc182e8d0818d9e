// CPU profiles of a bench's flowgate child, over exactly the window the bench measures. Node 20
// refuses --cpu-prof in NODE_OPTIONS, so the child preloads this file instead (`cpuProfileEnv`
// gives the variables): the first SIGUSR2 starts sampling, the second writes
// <dir>/flowgate-<pid>.cpuprofile. `summarize` then reads the profile: CPU time by area (module,
// package, runtime) and the functions with the most self time.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { fileURLToPath } from 'node:url';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 250 });
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) session.post('Profiler.start');
    else session.post('Profiler.stop', (error, result) => !error && writeFileSync(`${dir}/flowgate-${process.pid}.cpuprofile`, JSON.stringify(result.profile)));
    running = !running;
  });
}

export const cpuProfileEnv = (profileDir) => ({ NODE_OPTIONS: `--import ${fileURLToPath(import.meta.url)}`, BENCH_CPU_PROFILE_DIR: profileDir });

/** Where a frame's code lives: a module or package of the repository, a dependency, or the runtime. */
function areaOf({ functionName, url }) {
  if (!url) return functionName.startsWith('(') ? functionName : 'native';
  if (url.startsWith('wasm://')) return 'wasm (PGlite)';
  if (url.startsWith('node:')) return 'node runtime';
  const path = url.replace(/^file:\/\//, '');
  const repo = /\/(modules|packages|apps)\/([^/]+)\/dist\/([^/]+)/.exec(path);
  if (repo && !path.includes('node_modules')) return `${repo[1]}/${repo[2]}/${repo[3].replace(/\.js$/, '')}`;
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return dependency ? dependency[1] : path;
}

/** Milliseconds of CPU by area and by function over the profile, idle excluded. */
export function summarize(file) {
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(file, 'utf8'));
  const frames = new Map(nodes.map((node) => [node.id, node.callFrame]));
  const byArea = new Map();
  const byFunction = new Map();
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  let busyMs = 0;
  samples.forEach((id, i) => {
    const frame = frames.get(id);
    // A sample stands for the time until the next one.
    const ms = (timeDeltas[i + 1] ?? 0) / 1000;
    if (frame.functionName === '(idle)') return;
    busyMs += ms;
    add(byArea, areaOf(frame), ms);
    const where = frame.url ? ` ${frame.url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|modules|packages|apps)\//, '$1/')}:${frame.lineNumber + 1}` : '';
    add(byFunction, `${frame.functionName || '(anonymous)'}${where}`, ms);
  });
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return { busyMs, byArea: sorted(byArea), byFunction: sorted(byFunction) };
}
