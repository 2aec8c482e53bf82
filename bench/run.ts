import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MockConfig } from '../mock-server/core/config.js';
import { type RedisServer, startRedis } from '../test/support/redis-server.js';
import { type ChildServer, fileBytes, type LoggedServer, startLoggedServer, startServer } from './child-server.js';
import { CACHE_DIR, compileBare, compileMain } from './compile.js';
import { parseFloorSkip } from './floor-parts.js';
import { drive, fillStore, type LoadResult } from './load.js';
import { installPeers, PEERS, type Peer, peerInstalled } from './peers.js';
import { pinDriver, pinToServerCore } from './pinning.js';
import { timeToFirstAuthorize } from './ready-time.js';
import { AUTHORIZE_BODY, AUTHORIZE_PATH, HEADERS } from './request.js';
import { mb, processTree, rssBytes } from './rss.js';
import { BENCH_PATHS, type BenchPath, drivePath } from './sequential.js';
import { START_FLAGS } from './start-flags.js';
import { median, verdict } from './stats.js';
import { aheadOfPeers, judgeRatios, type Ratios, type Target } from './targets.js';

// npm run bench [-- --rounds N --duration S --warmup S --connections N --ready-runs N --strict
//                  --floor-skip validation,messages,fingerprint,canonical,record,transactions --store redis --workers N --peers]
// The simulator against a bare Fastify route, in the same run, on the same machine: only the ratios travel.
// --store redis adds the simulator on a Redis store (a redis-server the bench starts), --workers N the same with N
// workers; each is compared with the simulator on its memory store measured in the same run. --peers adds
// Stoplight Prism and WireMock serving the same operation (installed into a cache folder on first use).

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    'ready-runs': { type: 'string', default: '5' },
    strict: { type: 'boolean', default: false },
    'floor-skip': { type: 'string' },
    store: { type: 'string', default: 'memory' },
    workers: { type: 'string', default: '1' },
    peers: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.duration);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const readyRuns = Number(values['ready-runs']);
/** Parts left out of the floor (checked before any server starts). */
const floorSkip = (() => {
  try {
    return parseFloorSkip(values['floor-skip']);
  } catch (error) {
    console.error(`npm run bench -- --floor-skip: ${(error as Error).message}`);
    process.exit(2);
  }
})();
/** The shared-store servers this run adds beside the memory store's (checked before any server starts). */
const sharedStoreRuns = (() => {
  const workers = Number(values.workers);
  const refuse = (message: string): never => {
    console.error(`npm run bench -- ${message}`);
    process.exit(2);
  };
  if (values.store !== 'memory' && values.store !== 'redis') refuse('--store: memory or redis');
  if (!Number.isInteger(workers) || workers < 1) refuse('--workers: a whole number from 1');
  const runs: SharedStoreRun[] = [];
  if (values.store === 'redis') runs.push({ name: 'sim redis', workers: 1 });
  // More than one worker needs the shared store: --workers N alone means the Redis store with N workers.
  if (workers > 1) runs.push({ name: `sim redis ×${workers}`, workers });
  return runs;
})();
const ROOT = join(import.meta.dirname, '..');
const TSX = ['--import', 'tsx'];

/**
 * The paths: autocannon's three (50 connections by default) and the sequential one, one client sending fresh-key
 * authorize requests one after another, as a test suite does (bench/sequential.ts, latencies in microseconds).
 */

/** Targets of issue 16 ("Close to the floor"), as simulator/bare ratios measured in this run. */
const TARGETS: Record<BenchPath, Target> = {
  authorize: { rps: 0.5, p99: 3 },
  replay: { rps: 0.9, p99: 2 },
  'validation-error': { rps: 0.6 },
  sequential: { p50: 1.5 },
};
const READY_TARGET_MS = 300;
/**
 * The simulator as `npm start` starts it: its defaults (request logging at info, the journal on), stdout and stderr
 * to a file; only the port is chosen, and found in the file's `listening on` line.
 */
const SIMULATOR_FLAGS = ['--port', '0'];
/** Each logging server's stdout and stderr, as `npm start > sim.log 2>&1` would keep them; overwritten each run. */
const LOG_DIR = join(CACHE_DIR, 'logs');
/** Authorize load each peer gets before the paths' own warm-ups, as the filling of their stores warms the others. */
const PEER_WARMUP_SECONDS = 10;

/** Issue 15's target for a single instance on the Redis store, as ratios of the memory store's, in the same run. */
const SHARED_STORE_TARGET = { rps: 0.5, p99: 3 };

/** The simulator on a Redis store the bench starts, with `workers` processes (1: no cluster primary). */
interface SharedStoreRun {
  name: string;
  workers: number;
}

/**
 * bare: Fastify answering a fixed JSON; floor: the least work any simulator must do (bench/floor-server.ts), to show
 * how near the targets can get at all; simulator: what `npm start` runs (its memory store). Targets judge
 * simulator/bare; the shared-store runs (--store redis, --workers N) are judged against simulator; the peers
 * (--peers, those that started) are shown against bare, and the simulator's authorize req/s against theirs.
 */
const BASE_SERVERS = ['bare', 'floor', 'simulator'] as const;
type BaseName = (typeof BASE_SERVERS)[number];
type ServerName = string;
const SERVERS: ServerName[] = [...BASE_SERVERS, ...sharedStoreRuns.map((run) => run.name)];
/** The peers that started, by name (added to SERVERS as they start). */
const peersRunning = new Map<ServerName, Peer>();
/** A server, and for the Redis runs the redis-server it talks to (its CPU and memory count as the server's). */
type BenchServer = (ChildServer | LoggedServer) & { redis?: RedisServer };
type Servers = Record<BaseName, BenchServer> & Record<ServerName, BenchServer>;

interface Row {
  path: BenchPath;
  results: Record<ServerName, LoadResult[]>;
  /** Bytes a logging server wrote to its log per request of this path (warm-up included). */
  logPerRequest: Record<ServerName, number>;
}

/** Requests each server was sent, filling and warm-ups included, for its log's bytes per request. */
const requestsSent = new Map<ServerName, number>();
const countSent = (name: ServerName, amount: number) => requestsSent.set(name, (requestsSent.get(name) ?? 0) + amount);

/** Whether a server runs a path: a peer that cannot refuse an invalid body is left out of the validation-error path. */
const takes = (name: ServerName, path: BenchPath) =>
  !(path === 'validation-error' && peersRunning.get(name)?.noValidation !== undefined);

const summary = (results: LoadResult[]) => ({
  rps: median(results.map((r) => r.requestsPerSecond)),
  p50: median(results.map((r) => r.p50)),
  p99: median(results.map((r) => r.p99)),
  unexpected: results.reduce((sum, r) => sum + r.unexpected, 0),
  cpu: median(results.map((r) => r.cpuPerRequest ?? Number.NaN)),
  driverBusy: Math.max(...results.map((r) => r.driverBusy)),
});
type Summary = ReturnType<typeof summary>;
/** Above this share of its core, the load generator may be what limits a server's req/s. */
const DRIVER_BUSY_WARNING = 0.8;
const micros = (value: number) => (Number.isNaN(value) ? 'n/a' : value.toFixed(1));
/** autocannon's latencies are whole milliseconds; the sequential driver's are shown in microseconds. */
const latency = (path: BenchPath, ms: number) =>
  path === 'sequential' ? `${Math.round(ms * 1000)} µs` : `${ms.toFixed(1)} ms`;
const ratio = (a: number, b: number) => (Number.isNaN(a / b) ? 'n/a' : `${(a / b).toFixed(2)}×`);

async function answerSize(server: ChildServer): Promise<number> {
  const response = await fetch(`${server.url}${AUTHORIZE_PATH}`, {
    method: 'POST',
    headers: { ...HEADERS, 'klarna-idempotency-key': `size-${Date.now()}` },
    body: JSON.stringify(AUTHORIZE_BODY),
  });
  return Buffer.byteLength(await response.text());
}

const logOf = (server: BenchServer) => ('log' in server ? server.log : undefined);

async function measurePaths(servers: Servers): Promise<Row[]> {
  const rows: Row[] = [];
  for (const path of BENCH_PATHS) {
    const names = SERVERS.filter((name) => takes(name, path));
    for (const name of SERVERS.filter((name) => !takes(name, path))) {
      console.log(`${path}: ${name} left out: ${peersRunning.get(name)?.noValidation}`);
    }
    const row: Row = { path, results: Object.fromEntries(names.map((name) => [name, []])), logPerRequest: {} };
    const logStart = new Map(names.map((name) => [name, fileBytes(logOf(serverOf(servers, name)) ?? '')]));
    const sent = new Map<ServerName, number>();
    const run = async (which: ServerName, duration: number) => {
      const server = serverOf(servers, which);
      const pids = pidsOf(server);
      const result = await drivePath(server.url, path, {
        seconds: duration,
        connections,
        pids,
        ...(which === 'bare' && { expect: '2xx' as const }),
      });
      countSent(which, result.total);
      sent.set(which, (sent.get(which) ?? 0) + result.total);
      return result;
    };
    process.stdout.write(`${path}: warm-up`);
    for (const which of names) await run(which, warmup);
    for (let round = 0; round < rounds; round += 1) {
      // Rotate who goes first, so a slow drift of the machine does not always favour the same server.
      const order = names.map((_, i) => names[(i + round) % names.length] as ServerName);
      for (const which of order) resultsOf(row, which).push(await run(which, seconds));
      process.stdout.write(` · round ${round + 1}`);
    }
    process.stdout.write('\n');
    for (const name of names) {
      const log = logOf(serverOf(servers, name));
      if (log === undefined) continue;
      row.logPerRequest[name] = (fileBytes(log) - (logStart.get(name) ?? 0)) / (sent.get(name) ?? Number.NaN);
    }
    rows.push(row);
  }
  return rows;
}

function serverOf(servers: Servers, name: ServerName): BenchServer {
  const server = servers[name];
  if (server === undefined) throw new Error(`no server ${name}`);
  return server;
}

function resultsOf(row: Row, name: ServerName): LoadResult[] {
  const results = row.results[name];
  if (results === undefined) throw new Error(`no results of ${name}`);
  return results;
}

/** A server's processes: its workers (below a cluster primary) and the Redis it talks to, the bench's own. */
function pidsOf(server: BenchServer): number[] {
  const redis = server.redis?.pid;
  return [...processTree(server.pid), ...(redis === undefined ? [] : [redis])];
}

const WIDTHS = [18, 15, 9, 10, 10, 12, 11];
const line = (...cells: string[]) =>
  console.log(
    cells
      .map((c, i) => c.padEnd(WIDTHS[i] ?? 0))
      .join('')
      .trimEnd(),
  );

function printRows(rows: Row[]): boolean {
  let met = true;
  console.log('');
  line('path', 'server', 'req/s', 'p50', 'p99', 'CPU µs/req', 'log B/req', 'req/s per round');
  for (const row of rows) {
    const names = Object.keys(row.results);
    const s: Record<ServerName, Summary> = Object.fromEntries(
      names.map((name) => [name, summary(resultsOf(row, name))]),
    );
    const of = (name: ServerName) => s[name] as Summary;
    for (const name of names) {
      const perRound = resultsOf(row, name)
        .map((r) => Math.round(r.requestsPerSecond))
        .join(' ');
      const it = of(name);
      const log = row.logPerRequest[name];
      line(
        name === names[0] ? row.path : '',
        name,
        String(Math.round(it.rps)),
        latency(row.path, it.p50),
        latency(row.path, it.p99),
        micros(it.cpu),
        log === undefined ? '' : String(Math.round(log)),
        perRound,
      );
      if (it.unexpected > 0) console.log(`  !! ${it.unexpected} answers with an unexpected status, errors or timeouts`);
      if (it.driverBusy > DRIVER_BUSY_WARNING && row.path !== 'sequential') {
        console.log(
          `  !! the load generator used ${Math.round(it.driverBusy * 100)} % of its core: this req/s is a floor ` +
            '(CPU µs/req is the steadier comparison)',
        );
      }
    }
    const bare = of('bare');
    const target = TARGETS[row.path];
    for (const name of ['floor', 'simulator'] as const) {
      const { met: rowMet, checks } = judgeRatios(ratiosOf(of(name), bare), target);
      // The floor's line says whether the target is in reach at all; only the simulator's is judged.
      const outcome =
        name === 'floor' ? (rowMet ? 'in the floor’s reach' : 'out of the floor’s reach') : verdict(rowMet);
      ratioLine(
        of(name),
        bare,
        `${name === 'simulator' ? 'sim' : name}/bare`,
        checks.length > 0 ? `target ${checks.join(', ')}: ${outcome}` : 'no target',
      );
      if (name === 'simulator') met &&= rowMet;
    }
    for (const run of sharedStoreRuns) met = judgeSharedStore(row.path, of('simulator'), s[run.name], run) && met;
    for (const name of names.filter((name) => peersRunning.has(name)))
      ratioLine(of(name), bare, `${name}/bare`, 'no target');
    if (row.path === 'authorize' && values.peers) met = judgeAgainstPeers(of('simulator'), s) && met;
  }
  return met;
}

const ratiosOf = (it: Summary, base: Summary): Ratios => ({
  rps: it.rps / base.rps,
  p50: it.p50 / base.p50,
  p99: it.p99 / base.p99,
});

/** A line of ratios of one server's figures to a baseline's (bare, or the memory store's simulator). */
function ratioLine(it: Summary, base: Summary, label: string, judged: string): void {
  const cells = [ratio(it.rps, base.rps), ratio(it.p50, base.p50), ratio(it.p99, base.p99), ratio(it.cpu, base.cpu)];
  line('', label, ...cells, '', judged);
}

/** Issue 16: on the authorize path the simulator serves more req/s than every peer that ran. */
function judgeAgainstPeers(simulator: Summary, s: Record<ServerName, Summary>): boolean {
  const peers = Object.fromEntries([...peersRunning.keys()].map((name) => [name, (s[name] as Summary).rps]));
  const judged = aheadOfPeers(simulator.rps, peers);
  if (judged === undefined) {
    console.log('  simulator ahead of every peer on authorize: not judged (no peer ran)');
    return true;
  }
  const behind = judged.behind.length > 0 ? ` (not ahead of ${judged.behind.join(', ')})` : '';
  console.log(
    `  simulator ahead of every peer on authorize: ${judged.ahead ? 'yes' : 'no'}${behind}: ${verdict(judged.ahead)}`,
  );
  return judged.ahead;
}

/**
 * A shared-store run against the memory store's simulator of the same run. Issue 15's target judges the single
 * instance's authorize path (req/s ≥ 0.5×, p99 ≤ 3×); the other rows, and the workers', are shown, not judged.
 */
function judgeSharedStore(path: BenchPath, memory: Summary, shared: Summary | undefined, run: SharedStoreRun): boolean {
  if (shared === undefined) return true;
  const judged = path === 'authorize' && run.workers === 1;
  const { met, checks } = judgeRatios(ratiosOf(shared, memory), SHARED_STORE_TARGET);
  const outcome = judged ? `target ${checks.join(', ')}: ${verdict(met)}` : 'no target';
  ratioLine(shared, memory, `${run.name.replace('sim ', '')}/mem`, outcome);
  return judged ? met : true;
}

/**
 * The target is judged on what `npm start` runs. Beside it, not judged: the TypeScript loader's start (`npm run dev`)
 * and the start-up floor, bench/bare-server.ts bundled the same way (one file, one route) and started with the same
 * flags: what any Fastify server needs on this machine, whose ratio travels between machines. The variants take
 * turns, so that each sees the same moments of a shared machine.
 */
async function measureReady(bundle: string): Promise<boolean> {
  const main = join(ROOT, 'mock-server', 'app', 'main.ts');
  // Their defaults, as for the load: logging at info (to /dev/null here), the journal on.
  const variants: Array<{ name: string; args: string[]; judged: boolean; times: number[] }> = [
    { name: 'npm start (bundle)', args: [...START_FLAGS, bundle], judged: true, times: [] },
    { name: 'bare Fastify (bundle)', args: [...START_FLAGS, compileBare()], judged: false, times: [] },
    { name: 'npm run dev (tsx)', args: [...TSX, main], judged: false, times: [] },
  ];
  console.log(`\nstart to first successful authorize (median of ${readyRuns}; target <${READY_TARGET_MS} ms):`);
  for (let i = 0; i < readyRuns; i += 1) {
    for (const variant of variants) variant.times.push(await timeToFirstAuthorize(process.execPath, variant.args));
  }
  let met = true;
  for (const { name, judged, times } of variants) {
    const ms = median(times);
    if (judged) met &&= ms < READY_TARGET_MS;
    const each = times.map((t) => Math.round(t)).join(' ');
    const judgement = judged ? verdict(ms < READY_TARGET_MS) : 'not judged';
    console.log(`  ${name.padEnd(22)} ${String(Math.round(ms)).padStart(5)} ms  ${judgement}  (${each})`);
  }
  const [simulator, bare] = variants.map(({ times }) => median(times)) as [number, number];
  const reach = bare < READY_TARGET_MS ? 'in the floor’s reach' : 'out of the floor’s reach';
  console.log(`  simulator/bare ${(simulator / bare).toFixed(2)}×; target <${READY_TARGET_MS} ms: ${reach}`);
  return met;
}

/** Installs (on first use) and starts the peers; one that cannot is reported and left out. */
async function startPeers(servers: Servers, begin: (server: Promise<ChildServer>) => Promise<ChildServer>) {
  const failed = installPeers((text) => console.log(text));
  if (failed !== undefined) console.log(`  !! ${failed}`);
  for (const peer of PEERS) {
    if (!peerInstalled(peer)) {
      console.log(`peer ${peer.name}: not measured (${peer.package}@${peer.version} is not installed)`);
      continue;
    }
    try {
      const server = (await begin(peer.start(logFile(peer.name)))) as LoggedServer;
      servers[peer.name] = server;
      SERVERS.push(peer.name);
      peersRunning.set(peer.name, peer);
      console.log(`peer ${peer.name} (${peer.package}@${peer.version}): ${peer.about}; ${server.url}`);
    } catch (error) {
      console.log(`peer ${peer.name}: not measured, it did not start: ${(error as Error).message.trim()}`);
    }
  }
}

const logFile = (name: ServerName) => join(LOG_DIR, `${name.replace(/[^a-z0-9]+/gi, '-')}.log`);

async function main() {
  console.log(
    `klarna-mock bench: ${rounds} rounds × ${seconds} s per path and server after a ${warmup} s warm-up, ` +
      `${connections} connections (sequential: one)\n${pinDriver()}`,
  );
  if (sharedStoreRuns.length > 0) {
    const runs = sharedStoreRuns.map(
      (run) => `${run.name} (${run.workers === 1 ? 'one process' : `${run.workers} workers`})`,
    );
    console.log(`simulator: the memory store; ${runs.join(', ')}: the Redis store, judged against the memory store`);
  }
  mkdirSync(LOG_DIR, { recursive: true });
  const started: ChildServer[] = [];
  const begin = async (server: Promise<ChildServer>) => {
    started.push(await server);
    return started[started.length - 1] as ChildServer;
  };
  const bench = (file: string, args: string[] = []) =>
    begin(startServer(process.execPath, [...START_FLAGS, ...TSX, join(import.meta.dirname, file), ...args]));
  // What `npm start` runs: the bundle of the current sources, with its heap cap, its default flags, output to a file.
  const simulate = (name: ServerName, args: string[] = []) =>
    begin(
      startLoggedServer(process.execPath, [...START_FLAGS, bundle, ...SIMULATOR_FLAGS, ...args], {
        log: logFile(name),
      }),
    );
  let servers: Servers;
  let bundle: string;
  let redis: RedisServer | undefined;
  try {
    const bare = await bench('bare-server.ts');
    // The floor logs to a file, as the simulator does (the bench counts its bytes the same way).
    const floorLog = logFile('floor');
    const floorArgs = ['--log', floorLog, ...(floorSkip.size === 0 ? [] : ['--skip', [...floorSkip].join(',')])];
    const floor: LoggedServer = { ...(await bench('floor-server.ts', floorArgs)), log: floorLog };
    bundle = compileMain();
    const simulator = await simulate('simulator');
    servers = { bare, floor, simulator };
    console.log(`the simulator's stdout and stderr go to files in ${LOG_DIR} (as \`npm start > sim.log 2>&1\`)`);
    if (sharedStoreRuns.length > 0) {
      // Debian's redis-server on a free port in a temporary folder, as the tests start it (no persistence), on the
      // server core beside the simulator: the whole server side shares one core, as the memory store's does.
      redis = await startRedis();
      if (redis.pid !== undefined) pinToServerCore(redis.pid);
      const store = `redis://${redis.address}/0`;
      console.log(
        `redis-server ${redis.address} (no persistence) on the servers' core; the Redis runs' CPU includes it`,
      );
      for (const run of sharedStoreRuns) {
        const server = await simulate(run.name, ['--store', store, '--workers', String(run.workers)]);
        servers[run.name] = { ...server, redis };
      }
    }
    if (values.peers) await startPeers(servers, begin);
  } catch (error) {
    // None may be left running, pinned to the server core.
    await Promise.all(started.map((server) => server.stop()));
    await redis?.stop();
    throw error;
  }
  let met: boolean;
  let broken = false;
  let unfilled = false;
  try {
    const sizes = await Promise.all(
      SERVERS.map(async (name) => {
        countSent(name, 1);
        return `${await answerSize(serverOf(servers, name))} B (${name})`;
      }),
    );
    console.log(
      `request body ${Buffer.byteLength(JSON.stringify(AUTHORIZE_BODY))} B; APPROVED answer ${sizes.join(', ')}`,
    );
    // Every path is measured against the steady state of a long run: a full idempotency store.
    const cap = MockConfig.parse({}).maxStoredResponses;
    for (const name of ['floor', 'simulator'] as const) {
      const filled = await fillStore(servers[name].url, cap, connections);
      countSent(name, cap);
      console.log(`${name}'s idempotency store filled to its cap first (${filled} answers of ${cap})`);
      if (filled < cap) {
        console.log(`  !! ${cap - filled} of the filling requests were not approved`);
        unfilled = true;
      }
    }
    for (const { name } of sharedStoreRuns) {
      // Redis has no cap to fill, but the simulator on it is warmed by as many fresh authorizations as the filling
      // above sent the memory store (a colder start made its first rounds pay for the compiler's work).
      const warmed = await fillStore(serverOf(servers, name).url, cap, connections);
      countSent(name, cap);
      console.log(`${name} warmed by ${cap} fresh authorizations first, as many as the filling (${warmed} approved)`);
      if (warmed < cap) {
        console.log(`  !! ${cap - warmed} of the warming requests were not approved`);
        unfilled = true;
      }
    }
    for (const name of peersRunning.keys()) {
      // A JVM and Prism start cold; the floor and the simulator were warmed by the filling above.
      const server = serverOf(servers, name);
      const pids = pidsOf(server);
      const warm = await drive(server.url, 'authorize', {
        seconds: PEER_WARMUP_SECONDS,
        connections,
        expect: '2xx',
        pids,
      });
      countSent(name, warm.total);
      console.log(
        `${name} warmed up first with ${PEER_WARMUP_SECONDS} s of authorize requests (${warm.total} answers)`,
      );
    }
    if (floorSkip.size > 0) {
      console.log(`the floor runs without: ${[...floorSkip].join(', ')}`);
      if (floorSkip.has('record')) console.log('  (so its replay path answers every request afresh)');
    }
    console.log('');
    const rows = await measurePaths(servers);
    met = printRows(rows);
    // A floor without its validation cannot refuse the invalid body (it answers 500): only that row is excused.
    // A peer's odd answers are shown, but they do not make the bench's own measurement wrong.
    const excused = (name: ServerName, path: BenchPath) =>
      (name === 'floor' && path === 'validation-error' && floorSkip.has('validation')) || peersRunning.has(name);
    broken =
      unfilled ||
      rows.some((row) =>
        Object.keys(row.results).some(
          (name) => !excused(name, row.path) && summary(resultsOf(row, name)).unexpected > 0,
        ),
      );
    const rssOf = (name: ServerName) =>
      pidsOf(serverOf(servers, name)).reduce((sum, pid) => sum + (rssBytes(pid) ?? Number.NaN), 0);
    const rss = SERVERS.map((name) => `${name} ${mb(rssOf(name))}`).join(', ');
    console.log(`\nRSS after the load: ${rss}`);
  } finally {
    await Promise.all(SERVERS.map((name) => serverOf(servers, name).stop()));
    await redis?.stop();
  }
  printLogSizes(servers);
  met = (await measureReady(bundle)) && met;
  console.log(`\n${met ? 'every target met' : 'some targets missed'} (exit code ≠ 0 on a miss only with --strict)`);
  if (broken) {
    console.log('unexpected answers: the bench did not measure what it meant to');
    process.exitCode = 1;
  } else if (!met && values.strict) process.exitCode = 1;
}

/** Each log file's size once its server has stopped, over every request it was sent (filling included). */
function printLogSizes(servers: Servers): void {
  console.log('\nlog files (stdout and stderr; their servers stopped):');
  for (const name of SERVERS) {
    const log = logOf(serverOf(servers, name));
    if (log === undefined) continue;
    const bytes = fileBytes(log);
    const sent = requestsSent.get(name) ?? 0;
    const perRequest = sent === 0 ? 'n/a' : (bytes / sent).toFixed(0);
    console.log(
      `  ${name.padEnd(15)} ${mb(bytes).padStart(9)} for ${sent.toLocaleString('en')} requests: ${perRequest} B/request  ${log}`,
    );
  }
}

await main();
