import { connect, type Socket } from 'node:net';
import { completeResponse } from './http-response.js';
import { drive, EXPECTED_STATUS, type LoadResult, PATHS, type PathName } from './load.js';
import { AUTHORIZE_BODY, AUTHORIZE_PATH, HEADERS } from './request.js';
import { cpuMicrosOf } from './rss.js';
import { percentile } from './stats.js';

// The sequential path: one client sending authorize requests with fresh keys one after another, as a test suite
// does. autocannon's latencies are whole milliseconds, too coarse here, so this driver keeps one connection (a raw
// socket, so that the client's own work is a Buffer.concat and a write) and times each request, from the write to
// the last byte of its answer, with process.hrtime.bigint().

/** Longer than this without a complete answer, a request counts as failed and the connection is opened again. */
const REQUEST_TIMEOUT_MS = 10_000;

/** One keep-alive connection that carries one request at a time. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (error) => this.end(error));
    socket.on('close', () => this.end(new Error('the server closed the connection')));
  }

  static open(host: string, port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
    });
  }

  get usable(): boolean {
    return !this.closed;
  }

  /** Sends one request; resolves with the answer's status once its last byte is in. */
  send(request: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let response: ReturnType<typeof completeResponse>;
    try {
      response = completeResponse(this.buffer);
    } catch (error) {
      this.end(error as Error);
      this.socket.destroy();
      return;
    }
    if (response === undefined) return;
    this.buffer = this.buffer.subarray(response.length);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(response.status);
  }

  private end(error: Error): void {
    this.closed = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}

let run = 0;

/**
 * Authorize requests with fresh keys, one at a time on one connection, for `seconds`. Latencies are in
 * milliseconds with microsecond resolution (LoadResult's unit); a connection the server closes is opened again
 * (not timed), and the request it carried counts as unexpected.
 */
export async function driveSequential(
  url: string,
  options: { seconds: number; pids: readonly number[] },
): Promise<LoadResult> {
  const { hostname, port } = new URL(url);
  run += 1;
  const body = Buffer.from(JSON.stringify(AUTHORIZE_BODY));
  const head = Buffer.from(
    [
      `POST ${AUTHORIZE_PATH} HTTP/1.1`,
      `host: ${hostname}:${port}`,
      ...Object.entries(HEADERS).map(([name, value]) => `${name}: ${value}`),
      `content-length: ${body.length}`,
      `klarna-idempotency-key: sequential-${process.pid}-${run}-`,
    ].join('\r\n'),
  );
  const end = Buffer.from('\r\n\r\n');
  const latencies: number[] = [];
  let unexpected = 0;
  const before = cpuMicrosOf(options.pids);
  const driverBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(options.seconds * 1e9));
  let connection = await Connection.open(hostname, Number(port));
  try {
    for (let n = 1; process.hrtime.bigint() < deadline; n += 1) {
      if (!connection.usable) connection = await Connection.open(hostname, Number(port));
      const request = Buffer.concat([head, Buffer.from(String(n)), end, body]);
      const sent = process.hrtime.bigint();
      let timer: NodeJS.Timeout | undefined;
      try {
        const status = await Promise.race([
          connection.send(request),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), REQUEST_TIMEOUT_MS);
          }),
        ]);
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        if (status < 200 || status > 299) unexpected += 1;
      } catch {
        unexpected += 1;
        connection.close();
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    connection.close();
  }
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const driver = process.cpuUsage(driverBefore);
  const after = cpuMicrosOf(options.pids);
  const cpu =
    before === undefined || after === undefined ? undefined : after.user + after.system - before.user - before.system;
  const total = latencies.length;
  return {
    requestsPerSecond: total / elapsedSeconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    total,
    unexpected,
    cpuPerRequest: cpu === undefined || total === 0 ? undefined : cpu / total,
    driverBusy: (driver.user + driver.system) / (elapsedSeconds * 1_000_000),
  };
}

/** Every path the benches drive: autocannon's, and one client sending one request at a time. */
export type BenchPath = PathName | 'sequential';
export const BENCH_PATHS: readonly BenchPath[] = [...PATHS, 'sequential'];

/**
 * One measurement of `path` against `url`: autocannon with `connections` for the concurrent paths, driveSequential
 * for the sequential one. `expect` defaults to the path's status class (the bare server answers 200 to everything).
 */
export function drivePath(
  url: string,
  path: BenchPath,
  options: { seconds: number; connections: number; pids: readonly number[]; expect?: '2xx' | '4xx' },
): Promise<LoadResult> {
  const { seconds, connections, pids } = options;
  return path === 'sequential'
    ? driveSequential(url, { seconds, pids })
    : drive(url, path, { seconds, connections, pids, expect: options.expect ?? EXPECTED_STATUS[path] });
}
