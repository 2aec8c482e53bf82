import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startServer } from './child-server.js';
import { compileMain } from './compile.js';
import { pinDriver } from './pinning.js';
import { AUTHORIZE_BODY, AUTHORIZE_PATH, HEADERS } from './request.js';
import { mb, peakRssBytes, rssBytes } from './rss.js';
import { START_FLAGS } from './start-flags.js';
import { verdict } from './stats.js';

// npm run bench:memory [-- --keys N --max-stored N --rss-cap MB --connections N]
// Drives N distinct idempotency keys through one simulator whose store is capped at --max-stored entries and
// watches its resident set: past the cap the store evicts, so RSS must level off under --rss-cap.

const { values } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    'max-stored': { type: 'string', default: '50000' },
    'rss-cap': { type: 'string', default: '400' },
    connections: { type: 'string', default: '100' },
  },
});
const keys = Number(values.keys);
const maxStored = Number(values['max-stored']);
const rssCap = Number(values['rss-cap']) * 1024 * 1024;
const connections = Number(values.connections);
const SAMPLE_MS = 200;

async function main() {
  console.log(`klarna-mock memory: ${keys} distinct keys, maxStoredResponses ${maxStored}, RSS cap ${mb(rssCap)}`);
  console.log(pinDriver());
  const dir = mkdtempSync(join(tmpdir(), 'klarna-mock-memory-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ maxStoredResponses: maxStored }));
  // --trace-gc prints each full GC's heap before -> after: the "after" of the last one is what the store really
  // holds; RSS also counts garbage V8 has not collected yet.
  let liveHeap: string | undefined;
  const fullGcs: Array<{ liveMb: number; stored: number }> = [];
  let done = 0;
  const server = await startServer(
    process.execPath,
    [
      // `npm start`'s Node flags (package.json): without its heap cap V8 lets garbage pile up to ~400 MB of RSS.
      ...START_FLAGS,
      '--trace-gc',
      // What `npm start` runs: the bundle, made from the current sources.
      compileMain(),
      ...['--port', '0', '--log-level', 'silent', '--config', config],
    ],
    {
      onStdout: (text) => {
        for (const match of text.matchAll(/Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/g)) {
          liveHeap = `${match[1]} MB`;
          fullGcs.push({ liveMb: Number(match[1]), stored: Math.min(done, maxStored) });
        }
      },
    },
  );
  const started = Date.now();
  const atStart = rssBytes(server.pid);
  let peak = atStart ?? 0;
  let atCap: number | undefined;
  let nextReport = 0;
  const sampler = setInterval(() => {
    const rss = rssBytes(server.pid) ?? 0;
    peak = Math.max(peak, rss);
    if (atCap === undefined && done >= maxStored) atCap = rss;
    if (done >= nextReport) {
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const heap = `live heap after the last full GC ${liveHeap ?? 'n/a (none yet)'}`;
      console.log(`  ${String(done).padStart(8)} keys  RSS ${mb(rss).padStart(9)}  ${heap}  ${seconds} s`);
      nextReport += Math.max(Math.ceil(keys / 10), 1);
    }
  }, SAMPLE_MS);
  let n = 0;
  const body = JSON.stringify(AUTHORIZE_BODY);
  try {
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: server.url,
          connections,
          amount: keys,
          requests: [
            {
              method: 'POST',
              path: AUTHORIZE_PATH,
              body,
              setupRequest: (request) => {
                n += 1;
                return { ...request, headers: { ...HEADERS, 'klarna-idempotency-key': `memory-${n}` } };
              },
            },
          ],
        },
        (error, finished) => (error ? reject(error) : resolve(finished)),
      );
      instance.on('response', () => {
        done += 1;
      });
    });
    clearInterval(sampler);
    const atEnd = rssBytes(server.pid) ?? 0;
    peak = Math.max(peak, atEnd, peakRssBytes(server.pid) ?? 0);
    const failed = result.requests.total - result['2xx'] + result.errors + result.timeouts;
    const stored = Math.min(maxStored, result['2xx']);
    const perEntry = atCap !== undefined && atStart !== undefined ? (atCap - atStart) / stored : undefined;
    console.log(`\n${result['2xx']} authorized in ${result.duration.toFixed(0)} s, ${failed} failed`);
    console.log(
      `RSS at start ${mb(atStart)}, when the store reached its cap ${mb(atCap)}, peak ${mb(peak)}, end ${mb(atEnd)}`,
    );
    console.log(
      `bytes per stored entry: ${perEntry === undefined ? 'n/a' : Math.round(perEntry)} (RSS growth / ${stored} entries)`,
    );
    console.log(`live heap after the last full GC: ${liveHeap ?? 'n/a (no full GC happened)'}`);
    const first = fullGcs[0];
    const full = fullGcs.find((gc) => gc.stored === stored);
    if (first !== undefined && full !== undefined && full.stored > first.stored) {
      const perEntryHeap = ((full.liveMb - first.liveMb) * 1024 * 1024) / (full.stored - first.stored);
      console.log(
        `live heap per stored entry: ${Math.round(perEntryHeap)} B (full GCs at ${first.stored} and ${full.stored} stored; ` +
          'an estimate: the heap after a full GC also holds what died while it marked, more so the later the first one)',
      );
    }
    console.log(`peak RSS under the cap of ${mb(rssCap)}: ${verdict(peak < rssCap)}`);
    if (peak >= rssCap || failed > 0) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
