import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { START_FLAGS } from '../../bench/start-flags.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'klarna-mock.mjs');
const READY = /listening on (http:\/\/\S+)/;

export interface BuiltServer {
  base: string;
  child: ChildProcess;
  /** Whether the process is still running (a crash, an out-of-memory death, ends it). */
  alive: () => boolean;
  stderr: () => string;
  stop: () => Promise<void>;
}

/**
 * The server as `npm start` runs it: the bundle with npm start's Node flags (its 256 MB heap cap among them), on a
 * free port, in a child process, so that a request that could exhaust the heap kills that process and not the tests.
 */
export async function startBuiltServer(args: string[] = []): Promise<BuiltServer> {
  if (!existsSync(BUNDLE)) throw new Error('run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, [...START_FLAGS, BUNDLE, '--port', '0', '--log-level', 'warn', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: undefined, HOST: undefined, LOG_LEVEL: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const closed = once(child, 'close').then(() => {
    exited = true;
  });
  const base = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = READY.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', check);
    closed.then(() => reject(new Error(`the server exited before it was ready:\n${stderr}`)));
  });
  return {
    base,
    child,
    alive: () => !exited,
    stderr: () => stderr,
    stop: async () => {
      if (!exited) child.kill('SIGKILL');
      await closed;
    },
  };
}

/** Sends `count` requests made by `make`, `concurrency` at a time; resolves with the statuses seen. */
export async function flood(
  count: number,
  concurrency: number,
  make: (i: number) => Promise<Response>,
): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      const response = await make(i);
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}
