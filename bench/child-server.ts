import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { onServerCore } from './pinning.js';

export interface ChildServer {
  url: string;
  /** The server's own pid: taskset execs the command, so it is the child's pid. */
  pid: number;
  stop(): Promise<void>;
}

const LISTENING = /listening on (http:\/\/\S+)/;

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
