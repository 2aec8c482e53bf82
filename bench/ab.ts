import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MockConfig } from '../mock-server/core/config.js';
import { type RedisServer, startRedis } from '../test/support/redis-server.js';
import { type LoggedServer, startLoggedServer } from './child-server.js';
import { CACHE_DIR, compileMain } from './compile.js';
import { fillStore } from './load.js';
import { pinDriver, pinToServerCore } from './pinning.js';
import { BENCH_PATHS, type BenchPath, drivePath } from './sequential.js';
import { START_FLAGS } from './start-flags.js';
import { median, pairedChange } from './stats.js';

// Two or more builds of the simulator side by side, by CPU time: each started as `npm start` starts it (its flags, its
// defaults, its output to a file), pinned to the server core, its store filled to its cap; then short rounds of one
// path on each in turns, and for each build after the first the median of the round-by-round changes against it.
// Instruction counts (callgrind) miss what a larger heap costs; medians of a few long rounds miss a change of a few
// percent on a machine whose rounds swing by ±10 %. Many short pairs see it (docs/performance.md).
//
// npm run bench:ab -- [--path authorize] [--rounds 30] [--duration 1] [--store redis] <build> <build> ...
// A build is a bundle's entry point made by `node scripts/bundle.mjs <dir>/<name>.cjs`, or `current` for the working
// tree (bundled as npm run build does). With --store redis each build runs on the Redis store (one redis-server the
// bench starts on the server core, a database of its own per build, empty at the start), and the CPU per request
// adds up the build's and Redis's.

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    path: { type: 'string', default: 'authorize' },
    rounds: { type: 'string', default: '30' },
    duration: { type: 'string', default: '1' },
    store: { type: 'string', default: 'memory' },
  },
});
const path = values.path as BenchPath;
if (!BENCH_PATHS.includes(path)) throw new Error(`--path ${path}: one of ${BENCH_PATHS.join(', ')}`);
const rounds = Number(values.rounds);
const seconds = Number(values.duration);
if (!(rounds >= 1 && seconds > 0)) throw new Error('--rounds and --duration: positive numbers');
if (values.store !== 'memory' && values.store !== 'redis') throw new Error('--store: memory or redis');
const onRedis = values.store === 'redis';
if (positionals.length < 2) throw new Error('two builds or more: bundle entry points (.cjs), or `current`');
const builds = positionals.map((build) => (build === 'current' ? compileMain() : build));

console.log(`${builds.length} builds, ${path}: ${rounds} rounds × ${seconds} s each, in turns\n${pinDriver()}`);
mkdirSync(CACHE_DIR, { recursive: true });
const servers: LoggedServer[] = [];
let redis: RedisServer | undefined;
try {
  if (onRedis) {
    redis = await startRedis();
    if (redis.pid !== undefined) pinToServerCore(redis.pid);
    console.log(`redis-server ${redis.address} (no persistence) on the server core; the CPU includes it`);
  }
  for (const [i, build] of builds.entries()) {
    const log = join(CACHE_DIR, `ab-${i}.log`);
    const store = redis === undefined ? [] : ['--store', `redis://${redis.address}/${i}`];
    servers.push(await startLoggedServer(process.execPath, [...START_FLAGS, build, '--port', '0', ...store], { log }));
  }
  const cap = MockConfig.parse({}).maxStoredResponses;
  const measure = async (i: number, duration: number) => {
    const server = servers[i] as LoggedServer;
    const pids = redis?.pid === undefined ? [server.pid] : [server.pid, redis.pid];
    const result = await drivePath(server.url, path, { seconds: duration, connections: 50, pids });
    if (result.unexpected > 0) throw new Error(`${builds[i]}: ${result.unexpected} unexpected answers`);
    return result.cpuPerRequest ?? Number.NaN;
  };
  for (const [i, server] of servers.entries()) {
    // The Redis store has no cap to fill: it starts empty, as in npm run bench.
    if (!onRedis) await fillStore(server.url, cap, 50);
    await measure(i, 2);
  }
  const cpu: number[][] = builds.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    // The order rotates, so that no build always follows the same one.
    for (let k = 0; k < builds.length; k += 1) {
      const i = (k + round) % builds.length;
      cpu[i]?.push(await measure(i, seconds));
    }
  }
  const percent = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
  console.log(`\nCPU µs per request, median of ${rounds} rounds; change against the first, median of the pairs`);
  for (const [i, build] of builds.entries()) {
    const own = cpu[i] as number[];
    const line = `  ${median(own).toFixed(1).padStart(7)} µs  ${build}`;
    if (i === 0) {
      console.log(line);
      continue;
    }
    const change = pairedChange(cpu[0] as number[], own);
    console.log(
      `${line}\n           ${percent(change.median)} (${change.pairs} pairs, ${percent(change.min)} to ${percent(change.max)})`,
    );
  }
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  await redis?.stop();
}
