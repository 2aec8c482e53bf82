import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { MockConfig } from '../../core/config.js';

export interface ShutdownSignals {
  /** Fires when the app starts closing: new requests get a 503, hangs let go. */
  closing: AbortSignal;
  /** Fires shutdownGraceMs later: delayed answers are cut short. */
  graceOver: AbortSignal;
}

/**
 * Shutdown: refuse new requests (503, klarna-headers.ts), let hangs go, give delayed answers shutdownGraceMs to
 * finish.
 */
export function shutdownHooks(
  app: FastifyInstance,
  config: Pick<MockConfig, 'shutdownGraceMs' | 'idleTimeoutMs'>,
): ShutdownSignals {
  const closing = new AbortController();
  const graceOver = new AbortController();
  closeSilentConnections(app.server, config.idleTimeoutMs);
  // Answers finished while closing end their connection, so that close() need not wait for keep-alive timeouts.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing.signal.aborted) reply.header('Connection', 'close');
    done(null, payload);
  });
  app.addHook('preClose', async () => {
    closing.abort();
    setTimeout(() => graceOver.abort(), config.shutdownGraceMs).unref();
  });
  return { closing: closing.signal, graceOver: graceOver.signal };
}

/**
 * Node's timeouts start with a request's first byte: a connection that never sends one would be held forever (tens
 * of thousands at once). Each new connection gets idleTimeoutMs to start its first request; past it, Node's own
 * socket timeout handler destroys it. Once a request has arrived the timer is off, and Node's header, request and
 * keep-alive timeouts take over (a delayed answer is not idleness).
 */
function closeSilentConnections(server: Server, idleTimeoutMs: number) {
  server.on('connection', (socket: Socket) => socket.setTimeout(idleTimeoutMs));
  // (Node's keep-alive handling sets 0 again for each later request on the connection: only the first needs it.)
  server.on('request', (request: IncomingMessage) => {
    if (request.socket.timeout !== 0) request.socket.setTimeout(0);
  });
}
