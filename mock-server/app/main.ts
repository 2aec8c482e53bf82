#!/usr/bin/env node
import { getHeapStatistics } from 'node:v8';
import type { MockConfigInput } from '../core/config.js';
import { StoreUnreachable } from '../io/redis/open-redis-store.js';
import { adminExposure } from './admin-exposure.js';
import { buildApp } from './build-app.js';
import { type CliOptions, HELP, readCliOptions } from './cli-options.js';
import { readyText, serveUntilSignal } from './serve.js';

// The only place that listens. https://fastify.dev/docs/latest/Guides/Testing/ (factory vs entry point)

async function main() {
  let read: ReturnType<typeof readCliOptions>;
  try {
    read = readCliOptions(process.argv.slice(2), process.env, process.stdout.isTTY === true);
  } catch (error) {
    process.stderr.write(`klarna-mock: ${(error as Error).message}\nRun with --help for the options.\n`);
    process.exit(2);
  }
  if (read.help) {
    process.stdout.write(HELP);
    return;
  }
  const { options } = read;
  const exposure = adminExposure(options.host, adminSettings(options.config));
  if (exposure.kind === 'refuse') {
    process.stderr.write(`klarna-mock: ${exposure.message}\n`);
    process.exit(2);
  }
  const workers = options.config.workers ?? 1;
  if (workers > 1) {
    // Loaded only then: one process (the default) starts exactly as before, without node:cluster.
    const { serveWithWorkers } = await import('./workers.js');
    await serveWithWorkers(workers, () => serve(options, exposure));
    return;
  }
  const { url, note } = await serve(options, exposure);
  process.stdout.write(`klarna-mock listening on ${url} (${readyText(note)})\n`);
}

/** Builds the app and listens, until SIGINT or SIGTERM: the one process, or each worker of `--workers`. */
async function serve(options: CliOptions, exposure: ReturnType<typeof adminExposure>) {
  const app = await buildApp({
    config: options.config,
    logger: { level: options.logLevel, pretty: options.logFormat === 'pretty' },
  }).catch((error: unknown) => {
    // A shared store (--store) that cannot be reached is a bad setting: exit 2 with its address and the reason.
    if (!(error instanceof StoreUnreachable)) throw error;
    process.stderr.write(`klarna-mock: ${error.message}\n`);
    process.exit(2);
  });
  warnIfHeapTooSmall(app);
  if (exposure.kind === 'warn') app.log.warn(exposure.message);
  return serveUntilSignal(app, { port: options.port, host: options.host });
}

/** The admin settings as the settings file and flags give them (buildApp checks them again, with the rest). */
function adminSettings(config: MockConfigInput) {
  return { adminToken: config.adminToken, adminOpen: config.adminOpen ?? false };
}

/**
 * `npm start` caps V8's heap (see package.json) so that RSS stays flat in long runs; a store configured far above
 * the default would not fit in it. Live memory measured ~1 KB per stored answer (npm run bench:memory).
 */
function warnIfHeapTooSmall(app: Awaited<ReturnType<typeof buildApp>>) {
  const limitMb = getHeapStatistics().heap_size_limit / 1024 / 1024;
  const neededMb = 64 + (app.mockConfig.maxStoredResponses * 2) / 1024;
  if (neededMb > limitMb) {
    app.log.warn(
      `maxStoredResponses ${app.mockConfig.maxStoredResponses} may need ~${Math.round(neededMb)} MB of heap; ` +
        `this process has ${Math.round(limitMb)} MB: raise it with NODE_OPTIONS=--max-old-space-size=<MB>`,
    );
  }
}

// `klarna-mock proxy …` runs the validating proxy (app/run-proxy.ts) instead of the simulator; loaded only then, so
// the simulator's start-up reads none of it.
const run =
  process.argv[2] === 'proxy'
    ? import('./run-proxy.js').then(({ runProxy }) => runProxy(process.argv.slice(3)))
    : main();
run.catch((error: unknown) => {
  const hint = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (another port: --port <n> or PORT=<n>)' : '';
  process.stderr.write(`klarna-mock: could not start: ${(error as Error).message}${hint}\n`);
  process.exit(1);
});
