#!/usr/bin/env node
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { adminExposure, readyAddress } from './admin-exposure.js';
import { buildApp } from './build-app.js';
import { HELP, readCliOptions } from './cli-options.js';
import type { MockConfigInput } from './config.js';

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
  const app = await buildApp({
    config: options.config,
    logger: { level: options.logLevel, pretty: options.logFormat === 'pretty' },
  });
  warnIfHeapTooSmall(app);
  if (exposure.kind === 'warn') app.log.warn(exposure.message);
  // Fastify logs its own "Server listening" line; the ready line written last is the one the README promises, so
  // mute Fastify's.
  const info = app.log.info;
  app.log.info = () => {};
  await app.listen({ port: options.port, host: options.host });
  app.log.info = info;
  const { url, note } = readyAddress(app.server.address() as AddressInfo);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal} received, closing`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Before the ready line: until a handler exists, a signal takes the default action and kills the process at once,
  // so a supervisor that stops us right after reading the line would otherwise see a signal death, not exit code 0.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const ready = `ready in ${Math.round(performance.now())} ms${note === undefined ? '' : `; ${note}`}`;
  process.stdout.write(`klarna-mock listening on ${url} (${ready})\n`);
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

// `klarna-mock proxy …` runs the validating proxy (proxy/run-proxy.ts) instead of the simulator; loaded only then, so
// the simulator's start-up reads none of it.
const run =
  process.argv[2] === 'proxy'
    ? import('./proxy/run-proxy.js').then(({ runProxy }) => runProxy(process.argv.slice(3)))
    : main();
run.catch((error: unknown) => {
  const hint = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (another port: --port <n> or PORT=<n>)' : '';
  process.stderr.write(`klarna-mock: could not start: ${(error as Error).message}${hint}\n`);
  process.exit(1);
});
