import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { readyAddress } from './admin-exposure.js';

/**
 * Listens and closes on SIGINT or SIGTERM (exit 0, or 1 when closing fails), for the commands that serve (the
 * simulator, the proxy). The signal handlers are in place before the caller writes its ready line: until a handler
 * exists, a signal takes the default action and kills the process at once, so a supervisor that stops us right after
 * reading the line would otherwise see a signal death, not exit code 0. Fastify's own "Server listening" line is
 * muted: the ready line the caller writes is the one the README promises.
 */
export async function serveUntilSignal(
  app: FastifyInstance,
  at: { port: number; host: string },
  /** Runs once a signal arrives, before the app closes (the proxy prints its drift report). */
  beforeClose: () => void = () => {},
): Promise<{ url: string; note: string | undefined }> {
  const info = app.log.info;
  app.log.info = () => {};
  await app.listen(at);
  app.log.info = info;
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal} received, closing`);
    beforeClose();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Log lines go out in batches: the warnings of the start come before the ready line.
  await flushed(app.log as { flush?: (done: () => void) => void });
  return readyAddress(app.server.address() as AddressInfo);
}

/** What the ready line says after the URL: the time since this process started, and the note, if any. */
export function readyText(note: string | undefined): string {
  return `ready in ${Math.round(performance.now())} ms${note === undefined ? '' : `; ${note}`}`;
}

/** Resolves once the logger has written what it holds (at once for a logger that holds nothing). */
function flushed(log: { flush?: (done: () => void) => void }): Promise<void> {
  return new Promise((resolve) => (log.flush === undefined ? resolve() : log.flush(() => resolve())));
}
