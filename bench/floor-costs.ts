import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MockConfig } from '../mock-server/core/config.js';
import { type ChildServer, startServer } from './child-server.js';
import { CACHE_DIR } from './compile.js';
import { FLOOR_PARTS, parseFloorSkip } from './floor-parts.js';
import { fillStore } from './load.js';
import { pinDriver } from './pinning.js';
import { BENCH_PATHS, type BenchPath, drivePath } from './sequential.js';
import { START_FLAGS } from './start-flags.js';
import { median } from './stats.js';

// What each part of the floor costs: the floor (bench/floor-server.ts) whole and without the parts named, side by
// side on each path, in turns (the order rotates every round), each server's CPU time per request read from /proc.
// CPU µs per request is the figure to compare on a shared machine; req/s swings with the machine.
//
// npm run bench:floor -- [--without log,journal;log;journal] [--rounds 5] [--duration 3] [--paths authorize,replay]
// (--without: variants separated by `;`, each a comma-separated list of parts; the whole floor always runs.)

const { values } = parseArgs({
  options: {
    without: { type: 'string', default: 'log,journal;log;journal' },
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '3' },
    paths: { type: 'string', default: BENCH_PATHS.join(',') },
  },
});
const paths = (values.paths as string).split(',') as BenchPath[];
for (const path of paths) {
  if (!BENCH_PATHS.includes(path)) throw new Error(`--paths ${path}: one of ${BENCH_PATHS.join(', ')}`);
}
const variants = ['', ...(values.without as string).split(';').filter(Boolean)];
for (const skip of variants) parseFloorSkip(skip);
const rounds = Number(values.rounds);
const seconds = Number(values.duration);

const label = (skip: string) => (skip === '' ? 'floor (every part)' : `without ${skip.split(',').join(', ')}`);
console.log(
  `floor parts: ${FLOOR_PARTS.join(', ')}; ${rounds} rounds × ${seconds} s per path and variant\n${pinDriver()}`,
);

mkdirSync(CACHE_DIR, { recursive: true });
const servers: ChildServer[] = [];
try {
  for (const skip of variants) {
    // Each logs to a file of its own, as in npm run bench (a pipe would cost this process's core).
    const log = join(CACHE_DIR, `floor-costs-${servers.length}.log`);
    const args = ['--import', 'tsx', join(import.meta.dirname, 'floor-server.ts'), '--log', log];
    if (skip) args.push('--skip', skip);
    servers.push(await startServer(process.execPath, [...START_FLAGS, ...args]));
  }
  // Each store at its cap first, as in npm run bench.
  const cap = MockConfig.parse({}).maxStoredResponses;
  for (const server of servers) await fillStore(server.url, cap, 50);
  for (const path of paths) {
    const cpu: number[][] = variants.map(() => []);
    const p50: number[][] = variants.map(() => []);
    const measure = async (i: number, duration: number) => {
      const server = servers[i] as ChildServer;
      const result = await drivePath(server.url, path, { seconds: duration, connections: 50, pids: [server.pid] });
      if (result.unexpected > 0)
        throw new Error(`${label(variants[i] as string)}: ${result.unexpected} unexpected answers`);
      return result;
    };
    for (let i = 0; i < variants.length; i += 1) await measure(i, 1);
    for (let round = 0; round < rounds; round += 1) {
      for (let k = 0; k < variants.length; k += 1) {
        const i = (k + round) % variants.length;
        const result = await measure(i, seconds);
        cpu[i]?.push(result.cpuPerRequest ?? Number.NaN);
        p50[i]?.push(result.p50 * 1000);
      }
    }
    const whole = median(cpu[0] as number[]);
    console.log(`\n${path}: CPU µs per request, median of ${rounds} (each round's); p50 latency`);
    variants.forEach((skip, i) => {
      const m = median(cpu[i] as number[]);
      const part = i === 0 ? '' : `, the part(s) cost ${(whole - m).toFixed(1)} µs`;
      const rounds = (cpu[i] as number[]).map((v) => v.toFixed(0)).join(' ');
      console.log(
        `  ${label(skip).padEnd(28)} ${m.toFixed(1).padStart(7)} µs (${rounds})${part}; p50 ${median(p50[i] as number[]).toFixed(0)} µs`,
      );
    });
  }
} finally {
  await Promise.all(servers.map((server) => server.stop()));
}
