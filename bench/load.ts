import autocannon from 'autocannon';
import { AUTHORIZE_BODY, AUTHORIZE_PATH, HEADERS, INVALID_BODY } from './request.js';
import { cpuMicrosOf } from './rss.js';

export type PathName = 'authorize' | 'replay' | 'validation-error';

export const PATHS: readonly PathName[] = ['authorize', 'replay', 'validation-error'];

/** The status class each path must answer with; anything else means the bench measured the wrong thing. */
export const EXPECTED_STATUS: Record<PathName, '2xx' | '4xx'> = {
  authorize: '2xx',
  replay: '2xx',
  'validation-error': '4xx',
};

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  /** Answers outside the path's expected status class, plus socket errors and timeouts. */
  unexpected: number;
  /** Server CPU time per answered request, in microseconds (user + system); undefined without /proc. */
  cpuPerRequest: number | undefined;
  /** Share of its core the load generator used (0–1): near 1, it and not the server set the pace. */
  driverBusy: number;
}

let run = 0;

/**
 * Requests for one path. The authorize path numbers its idempotency keys per run, so no key repeats across runs or
 * rounds; the replay path sends one key over and over (the first request records, the rest replay). The bare
 * server gets exactly the same requests, so the load generator does the same work for both.
 */
function requestsFor(path: PathName): autocannon.Request[] {
  run += 1;
  const prefix = `bench-${process.pid}-${run}-`;
  if (path === 'authorize') {
    let n = 0;
    // A Buffer, not a string: autocannon rebuilds a request with setupRequest each time, and re-encoding 1 KB of
    // body per request would make the load generator, not the server, the bottleneck.
    const body = Buffer.from(JSON.stringify(AUTHORIZE_BODY));
    return [
      {
        method: 'POST',
        path: AUTHORIZE_PATH,
        body,
        setupRequest: (request) => {
          n += 1;
          return { ...request, headers: { ...HEADERS, 'klarna-idempotency-key': `${prefix}${n}` } };
        },
      },
    ];
  }
  const body = JSON.stringify(path === 'replay' ? AUTHORIZE_BODY : INVALID_BODY);
  return [{ method: 'POST', path: AUTHORIZE_PATH, body, headers: { ...HEADERS, 'klarna-idempotency-key': prefix } }];
}

export interface DriveOptions {
  seconds: number;
  connections: number;
  /** The status class every answer must have: the bare server answers 200 to everything. */
  expect: '2xx' | '4xx';
  /** The server's processes (its workers and Redis included), for their CPU time. */
  pids: readonly number[];
}

export async function drive(url: string, path: PathName, options: DriveOptions): Promise<LoadResult> {
  const before = cpuMicrosOf(options.pids);
  const driverBefore = process.cpuUsage();
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    requests: requestsFor(path),
  });
  const driver = process.cpuUsage(driverBefore);
  const after = cpuMicrosOf(options.pids);
  const expected = options.expect === '2xx' ? result['2xx'] : result['4xx'];
  const cpu =
    before === undefined || after === undefined ? undefined : after.user + after.system - before.user - before.system;
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    unexpected: result.requests.total - expected + result.errors + result.timeouts,
    cpuPerRequest: cpu === undefined || result.requests.total === 0 ? undefined : cpu / result.requests.total,
    driverBusy: (driver.user + driver.system) / (result.duration * 1_000_000),
  };
}

/**
 * Sends `amount` authorize requests with fresh keys, so the idempotency store is at its cap before anything is
 * measured: every path then meets the steady state of a long run, whatever order the paths run in.
 */
export async function fillStore(url: string, amount: number, connections: number): Promise<number> {
  const result = await autocannon({ url, connections, amount, requests: requestsFor('authorize') });
  return result['2xx'];
}
