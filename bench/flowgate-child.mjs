// Starts the built `flowgate` command as a child process and resolves once it logs "ready"
// (at info level, which the child always runs with: the line carries the URL).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cli = fileURLToPath(new URL('../apps/server/dist/cli.js', import.meta.url));

export function startFlowgate(env = {}, args = ['start']) {
  const dataDir = env.FLOWGATE_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'flowgate-bench-'));
  const startedAt = performance.now();
  const child = spawn(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH, FLOWGATE_DATA_DIR: dataDir, FLOWGATE_PORT: '0', ...env, FLOWGATE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const ready = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (ready) resolve({ child, url: ready[1], dataDir, startedAt });
    });
    child.once('exit', (code) => reject(new Error(`flowgate exited with ${code}: ${output}`)));
  });
}

export function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

export function rssMiB(pid) {
  // /proc is Linux-only; that is where the figures are taken.
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}
