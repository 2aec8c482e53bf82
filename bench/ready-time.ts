import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { freePort, stopChild } from './child-server.js';
import { tryAuthorize } from './http-probe.js';
import { onServerCore } from './pinning.js';

/**
 * Wall time from spawning `command args --port <free port>` until a first authorize POST answers 200. The port is
 * chosen up front so the polling starts at once, with no sleeps: a refused connection is retried on the next turn
 * of the event loop.
 */
export async function timeToFirstAuthorize(command: string, args: string[], timeoutMs = 30_000): Promise<number> {
  const port = await freePort();
  const [cmd, argv] = onServerCore(command, [...args, '--port', String(port)]);
  const started = performance.now();
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    for (let attempt = 0; ; attempt += 1) {
      const status = await tryAuthorize(port, `ready-${port}-${attempt}`);
      const elapsed = performance.now() - started;
      if (status === 200) return elapsed;
      if (status !== 0) throw new Error(`first answer was ${status}, not 200`);
      if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}: ${stderr}`);
      if (elapsed > timeoutMs) throw new Error(`not serving after ${timeoutMs} ms: ${stderr}`);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    await stopChild(child);
  }
}
