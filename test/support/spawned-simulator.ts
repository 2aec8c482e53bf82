import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { join } from 'node:path';
import { commandArgs } from './command-bundle.js';

// The simulator's command (bundled as `npm start` runs it: command-bundle.ts) in a child process, for what needs a
// real process: --workers, SIGKILL. Every wait is on an event (a stdout chunk, the exit), bounded by a timeout that only matters
// when something is broken.

const ROOT = join(import.meta.dirname, '..', '..');
/** Only a broken child reaches it: starts under tsx beside the suite on two cores once took 23 s, bundled far less. */
const WAIT_MS = 40_000;
const READY = /klarna-mock listening on (http:\/\/\S+) \(ready in \d+ ms[^)]*\)/;

export interface SpawnedSimulator {
  child: ChildProcess;
  /** The base URL from the ready line, once it is printed; rejects when the process exits first. */
  ready: Promise<string>;
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has exited and its output is complete. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match of `pattern` in stdout, as soon as it has arrived. */
  waitForStdout(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves once stderr matches `pattern`. */
  stderrMatching(pattern: RegExp): Promise<void>;
}

// Children still running when the test process ends (a failed afterAll) go with it, so none outlives the run.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `klarna-mock <args>` with a clean environment for the simulator's own variables. */
export function spawnSimulator(args: string[], env: Record<string, string> = {}): SpawnedSimulator {
  const child = spawn(process.execPath, commandArgs(args), {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: undefined,
      HOST: undefined,
      LOG_LEVEL: undefined,
      KLARNA_MOCK_STORE: undefined,
      KLARNA_MOCK_WORKERS: undefined,
      KLARNA_MOCK_ADMIN_TOKEN: undefined,
      KLARNA_MOCK_ADMIN_OPEN: undefined,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const closed = once(child, 'close').then(([code, signal]) => {
    running.delete(child);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  const waitFor = (stream: NodeJS.ReadableStream | null, text: () => string, pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => fail(`timed out after ${WAIT_MS} ms waiting for ${pattern}`), WAIT_MS);
      const fail = (why: string) => {
        stream?.off('data', check);
        clearTimeout(timer);
        reject(new Error(`${why}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      };
      const check = () => {
        const found = text().match(pattern);
        if (found === null) return;
        stream?.off('data', check);
        clearTimeout(timer);
        resolve(found);
      };
      stream?.on('data', check);
      closed.then(() => fail(`exited before printing ${pattern}`));
      check();
    });
  const waitForStdout = (pattern: RegExp) => waitFor(child.stdout, () => stdout, pattern);
  const ready = waitForStdout(READY).then((match) => match[1] as string);
  // A rejection nobody awaits (a test that expects the exit) must not fail the run.
  ready.catch(() => {});
  return {
    child,
    ready,
    stdout: () => stdout,
    stderr: () => stderr,
    closed,
    waitForStdout,
    stderrMatching: async (pattern) => {
      await waitFor(child.stderr, () => stderr, pattern);
    },
  };
}

/** One GET on a connection of its own (no keep-alive), so that each lands where the server hands a new connection. */
export function getOnNewConnection(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    sent.on('error', reject);
    sent.end();
  });
}
