import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { START_FLAGS } from '../../bench/start-flags.js';

const ROOT = join(import.meta.dirname, '..', '..');
/**
 * The bundle `npm start` runs; KLARNA_MOCK_BUNDLE points the suite at another build, e.g. one made from a commit
 * before a fix, to see that a test replays the crash it is about.
 */
const BUNDLE = process.env.KLARNA_MOCK_BUNDLE
  ? resolve(process.env.KLARNA_MOCK_BUNDLE)
  : join(ROOT, 'dist', 'klarna-mock.cjs');
const READY = /listening on (http:\/\/\S+)/;

export interface BuiltServer {
  base: string;
  child: ChildProcess;
  /** The server's own process id, for its resident set in /proc. */
  pid: number;
  /** Whether the process is still running (a crash, an out-of-memory death, ends it). */
  alive: () => boolean;
  stderr: () => string;
  stop: () => Promise<void>;
}

/**
 * The server as `npm start` runs it: the bundle with npm start's Node flags (its 256 MB heap cap among them), on a
 * free port, in a child process, so that a request that could exhaust the heap kills that process and not the tests.
 */
export async function startBuiltServer(args: string[] = [], config?: Record<string, unknown>): Promise<BuiltServer> {
  if (!existsSync(BUNDLE)) throw new Error('run `npm run build` first (npm test does)');
  // A settings file of the test's own, when it needs caps small enough to bite quickly.
  const settings = config === undefined ? undefined : mkdtempSync(join(tmpdir(), 'klarna-mock-hostile-'));
  if (settings !== undefined) writeFileSync(join(settings, 'settings.json'), JSON.stringify(config));
  const configArgs = settings === undefined ? [] : ['--config', join(settings, 'settings.json')];
  const argv = [...START_FLAGS, BUNDLE, '--port', '0', '--log-level', 'warn', ...configArgs, ...args];
  const child = spawn(process.execPath, argv, {
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
  let stopping = false;
  const closed = once(child, 'close').then(([code, signal]) => {
    exited = true;
    // A death under hostile traffic shows first as a failed fetch: say at once that the server died, and how.
    if (!stopping)
      process.stderr.write(`the built server exited (code ${code}, signal ${signal}):\n${stderr.slice(-3000)}\n`);
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
    pid: child.pid ?? 0,
    alive: () => !exited,
    stderr: () => stderr,
    stop: async () => {
      stopping = true;
      if (!exited) child.kill('SIGKILL');
      await closed;
      if (settings !== undefined) rmSync(settings, { recursive: true, force: true });
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
