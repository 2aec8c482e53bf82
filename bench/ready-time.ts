import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { freePort, stopChild } from './child-server.js';
import { onServerCore } from './pinning.js';
import { AUTHORIZE_BODY, AUTHORIZE_PATH, HEADERS } from './request.js';

const BODY = JSON.stringify(AUTHORIZE_BODY);

/** One POST on a fresh connection; resolves with the status, or 0 when the connection failed (not listening yet). */
function tryAuthorize(port: number, key: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: AUTHORIZE_PATH,
        agent: false,
        headers: { ...HEADERS, 'klarna-idempotency-key': key, 'content-length': Buffer.byteLength(BODY) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(BODY);
  });
}

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
