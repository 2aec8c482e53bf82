import { parseArgs } from 'node:util';
import { startBuiltServer } from '../test/hostile/built-server.js';
import { closedPortUrl, postJson } from '../test/hostile/hostile-traffic.js';
import { mb, peakRssBytes, rssBytes } from './rss.js';
import { KINDS, pick, type SoakContext, WEBHOOK_ACCOUNTS } from './soak-mix.js';
import { verdict } from './stats.js';

// npm run soak [-- --minutes 5 --rss-cap-mb 400 --concurrency 8]
// The bundle with npm start's flags (test/hostile/built-server.ts), under every finding of issue 13 mixed with
// normal traffic for minutes; its resident set sampled each second. Exits 1 if the process died or its RSS went
// over the cap (400 MB, the cap of npm run bench:memory).

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    'rss-cap-mb': { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '8' },
  },
});
const durationMs = Number(values.minutes) * 60_000;
const rssCap = Number(values['rss-cap-mb']) * 1024 * 1024;
const concurrency = Number(values.concurrency);

/** The caps at their defaults, but idle connections closed after 3 s, so that the idle kind's bursts recycle. */
const SETTINGS = { idleTimeoutMs: 3_000 };

async function main() {
  console.log(`klarna-mock soak: ${values.minutes} min, ${concurrency} at a time, RSS cap ${mb(rssCap)}`);
  const server = await startBuiltServer([], SETTINGS);
  const deadReceiver = await closedPortUrl();
  for (const account of WEBHOOK_ACCOUNTS) {
    const subscribed = await postJson(`${server.base}/__mock/webhooks`, { account, url: deadReceiver });
    if (subscribed.status !== 201) throw new Error(`subscribing ${account}: ${subscribed.status}`);
  }
  let counter = 0;
  const context: SoakContext = { base: server.base, next: () => counter++ };
  const seen = new Map<string, Map<string, number>>();
  const count = (kind: string, outcome: string) => {
    const outcomes = seen.get(kind) ?? new Map<string, number>();
    seen.set(kind, outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1));
  };

  const started = Date.now();
  const atStart = rssBytes(server.pid);
  let peak = atStart ?? 0;
  let last = atStart;
  const sampler = setInterval(() => {
    last = rssBytes(server.pid) ?? last;
    peak = Math.max(peak, last ?? 0);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (seconds % 30 === 0) console.log(`  ${String(seconds).padStart(4)} s  RSS ${mb(last).padStart(9)}`);
  }, 1000);

  const worker = async () => {
    while (Date.now() - started < durationMs && server.alive()) {
      const kind = pick(Math.random());
      try {
        count(kind, String(await (KINDS[kind]?.send(context) ?? 'unknown kind')));
      } catch (error) {
        count(kind, `network error: ${(error as { cause?: { code?: string } }).cause?.code ?? String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(sampler);

  const alive = server.alive();
  const health = alive ? (await fetch(`${server.base}/__mock/health`)).status : undefined;
  const atEnd = rssBytes(server.pid);
  peak = Math.max(peak, atEnd ?? 0, peakRssBytes(server.pid) ?? 0);
  await server.stop();

  console.log(`\n${'kind'.padEnd(38)} ${'sent'.padStart(7)}  outcomes`);
  let total = 0;
  for (const [kind, outcomes] of [...seen].sort(([a], [b]) => a.localeCompare(b))) {
    const sent = [...outcomes.values()].reduce((sum, n) => sum + n, 0);
    total += sent;
    const list = [...outcomes].map(([outcome, n]) => `${outcome} ×${n}`).join(', ');
    console.log(`${kind.padEnd(38)} ${String(sent).padStart(7)}  ${list}`);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`${'all'.padEnd(38)} ${String(total).padStart(7)}  in ${seconds.toFixed(0)} s`);
  console.log(
    `\nRSS at start ${mb(atStart)}, peak ${mb(peak)} (the kernel's high-water mark), at the end ${mb(atEnd)}`,
  );
  console.log(`crashes: ${alive ? 0 : 1}${alive ? `, /__mock/health ${health} at the end` : `\n${server.stderr()}`}`);
  console.log(`alive and under the RSS cap of ${mb(rssCap)}: ${verdict(alive && health === 200 && peak < rssCap)}`);
  if (!alive || health !== 200 || peak >= rssCap) process.exitCode = 1;
}

await main();
