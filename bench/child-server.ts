import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { tryAuthorize } from './http-probe.js';
import { onServerCore } from './pinning.js';

export interface ChildServer {
  url: string;
  /** The server's own pid: taskset execs the command, so it is the child's pid. */
  pid: number;
  stop(): Promise<void>;
}

const LISTENING = /listening on (http:\/\/\S+)/;

/**
 * The URL of the first `… listening on <url>` line among the complete lines of `text` (a line still being written
 * could carry half a port), or undefined.
 */
export function listeningUrl(text: string): string | undefined {
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  for (const line of complete.split('\n')) {
    const match = LISTENING.exec(line);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

/** Spawns a server on the server core and resolves with the URL from its `… listening on <url>` line. */
export function startServer(
  command: string,
  args: string[],
  options: { timeoutMs?: number; onStdout?: (text: string) => void } = {},
): Promise<ChildServer> {
  const { timeoutMs = 30_000, onStdout } = options;
  const [cmd, argv] = onServerCore(command, args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const name = [command, ...args].join(' ');
  let output = '';
  let stopping = false;
  // Kept short: only the tail matters when something goes wrong.
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-10_000);
  };
  child.stderr.on('data', keep);
  return new Promise((resolve, reject) => {
    const early = (code: number | null, signal: string | null) =>
      fail(new Error(`exited early (code ${code}, signal ${signal})`));
    const timer = setTimeout(() => fail(new Error(`no listening line within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${name}: ${error.message}\n${output}`));
    };
    child.once('exit', early);
    child.stdout.on('data', (chunk: Buffer) => {
      keep(chunk);
      const match = LISTENING.exec(output);
      if (match?.[1] === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      child.off('exit', early);
      child.stdout.removeAllListeners('data');
      if (onStdout) child.stdout.on('data', (later: Buffer) => onStdout(later.toString()));
      else child.stdout.resume();
      // A server that dies under load makes every later figure meaningless: say so at once.
      child.once('exit', (code, signal) => {
        if (!stopping)
          process.stderr.write(`\n${name} exited during the run (code ${code}, signal ${signal})\n${output}\n`);
      });
      resolve({
        url: match[1],
        pid: child.pid,
        stop: () => {
          stopping = true;
          return stopChild(child);
        },
      });
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited after 5 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A port that was free a moment ago, for the ready-time runs, which must know the port before the server starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A server whose standard output and error go to a file, as `command > file 2>&1` would send them. */
export interface LoggedServer extends ChildServer {
  log: string;
}

/** How often a starting server's log file, or its port, is looked at. */
const POLL_MS = 20;

/**
 * Spawns a server on the server core with its stdout and stderr written to `log` (truncated first), as a user's
 * `npm start > sim.log 2>&1` runs it. Ready when a `… listening on <url>` line is in the file or, given `port`, when
 * an authorize POST to 127.0.0.1:<port> gets any answer (for servers that print no URL).
 */
export async function startLoggedServer(
  command: string,
  args: string[],
  options: { log: string; port?: number; timeoutMs?: number },
): Promise<LoggedServer> {
  const { log, port, timeoutMs = 60_000 } = options;
  const [cmd, argv] = onServerCore(command, args);
  const name = [command, ...args].join(' ');
  const out = openSync(log, 'w');
  let child: ChildProcess;
  try {
    child = spawn(cmd, argv, { stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const fail = (reason: string) => {
    child.kill('SIGKILL');
    return new Error(`${name}: ${reason}\n${logTail(log)}`);
  };
  const deadline = Date.now() + timeoutMs;
  const reader = openSync(log, 'r');
  let seen = '';
  let url: string | undefined;
  try {
    for (let attempt = 0; url === undefined; attempt += 1) {
      if (spawnError !== undefined) throw fail(`could not start: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw fail(`exited early (code ${child.exitCode}, signal ${child.signalCode})`);
      }
      if (Date.now() > deadline) throw fail(`not serving within ${timeoutMs} ms`);
      if (port === undefined) {
        const chunk = Buffer.alloc(64 * 1024);
        const read = readSync(reader, chunk, 0, chunk.length, null);
        // Only the start is searched: the line comes before any request is logged.
        seen = (seen + chunk.toString('utf8', 0, read)).slice(0, 1_000_000);
        url = listeningUrl(seen);
      } else if ((await tryAuthorize(port, `start-${port}-${attempt}`)) !== 0) {
        url = `http://127.0.0.1:${port}`;
      }
      if (url === undefined) await sleep(POLL_MS);
    }
  } finally {
    closeSync(reader);
  }
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping)
      process.stderr.write(`\n${name} exited during the run (code ${code}, signal ${signal})\n${logTail(log)}\n`);
  });
  return {
    url,
    pid: child.pid as number,
    log,
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}

/** The size of a file in bytes (0 when it is missing). */
export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The last 4 KB of a log file, for a message about a server that would not start or died. */
function logTail(path: string): string {
  const size = fileBytes(path);
  const length = Math.min(size, 4096);
  if (length === 0) return '(its log is empty)';
  const fd = openSync(path, 'r');
  try {
    const tail = Buffer.alloc(length);
    readSync(fd, tail, 0, length, size - length);
    return tail.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
