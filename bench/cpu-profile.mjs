// CPU profiles of a bench's flowgate child. Node 20 refuses --cpu-prof in NODE_OPTIONS, so the
// child preloads this file instead (`cpuProfileEnv(dir)` gives the variables): it samples from
// start-up and writes <dir>/flowgate-<pid>.cpuprofile when the process exits. The bench then
// prints the functions with the most self time (`topSelfTime`).
import { writeFileSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { fileURLToPath } from 'node:url';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 250 });
  session.post('Profiler.start');
  // The in-thread inspector answers synchronously, so the profile is written before the exit.
  process.on('exit', () => session.post('Profiler.stop', (error, result) => !error && writeFileSync(`${dir}/flowgate-${process.pid}.cpuprofile`, JSON.stringify(result.profile))));
}

export const cpuProfileEnv = (profileDir) => ({ NODE_OPTIONS: `--import ${fileURLToPath(import.meta.url)}`, BENCH_CPU_PROFILE_DIR: profileDir });

/** Functions by self time, as a share of the samples where the process was not idle. */
export function topSelfTime(file, count = 20) {
  const { nodes, samples } = JSON.parse(readFileSync(file, 'utf8'));
  const frames = new Map(nodes.map((node) => [node.id, node.callFrame]));
  const self = new Map();
  let busy = 0;
  for (const id of samples) {
    const { functionName, url, lineNumber } = frames.get(id);
    if (functionName === '(idle)') continue;
    const where = url ? ` ${url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|modules|packages|apps)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + 1);
    busy++;
  }
  const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, count);
  return { busyShare: busy / samples.length, rows: rows.map(([name, n]) => ({ name, share: n / busy })) };
}
