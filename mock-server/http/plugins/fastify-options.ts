import type { Server } from 'node:http';
import { type FastifyHttpOptions, LogController } from 'fastify';
import type { MockConfig } from '../../core/config.js';
import { clientErrorHandler, sendKlarnaError, toKlarnaError } from '../error-handler.js';
import { type LogOptions, loggerOptions } from '../logging.js';
import { PLAIN_SCHEMA_CONTROLLER } from '../plain-schema-controller.js';

/** The server's settings: Klarna's ids and error shapes from the first byte, timeouts against slow clients. */
export function fastifyOptions(
  config: MockConfig,
  uuid: () => string,
  logger: LogOptions | false | undefined,
): FastifyHttpOptions<Server> {
  return {
    bodyLimit: config.bodyLimitBytes,
    // The request id is Klarna-Correlation-Id (and error_id): made for every request, even one Fastify rejects early.
    genReqId: () => uuid(),
    // Authorize, the idempotent writes and the Notifications API check and serialize by hand
    // (plain-schema-controller.ts); the other routes are checked by Fastify in their own scopes (checked-scope.ts).
    schemaController: PLAIN_SCHEMA_CONTROLLER,
    // logging.ts writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // (No childLoggerFactory: Fastify would check each request's child logger for seven methods. The request's
    // child is made cheap on the logger itself instead: build-app.ts, cheapChildren.)
    // While closing, requests still arriving on open connections get Klarna's 503 from the onRequest hook.
    return503OnClosing: false,
    // Slow clients (slow-loris) cannot hold a connection: headers within headersTimeoutMs, the whole request
    // within requestTimeoutMs. Node's header cap sits above Klarna's 20 KB so the Klarna-shaped 431 answers first.
    http: {
      maxHeaderSize: 32 * 1024,
      // Without Host, Node would answer 400 itself, in no Klarna shape; the simulator needs no Host.
      requireHostHeader: false,
      headersTimeout: config.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    },
    requestTimeout: config.requestTimeoutMs,
    // Between requests a kept-alive connection may idle this long (Fastify's default is 72 s).
    keepAliveTimeout: config.idleTimeoutMs,
    // Account ids are checked by the route (≤ 255 characters); Fastify's default cap of 100 would answer first.
    routerOptions: { maxParamLength: 1024 },
    clientErrorHandler: clientErrorHandler(uuid),
    // Errors Fastify meets before routing (a malformed URL) get the Klarna body too.
    frameworkErrors: (error, request, reply) =>
      sendKlarnaError(toKlarnaError(error, config.bodyLimitBytes), request.id, reply),
    // Close idle keep-alive connections at once; requests in flight finish (delays and hangs are cut short).
    forceCloseConnections: 'idle',
    ...(logger ? { logger: loggerOptions(logger) } : { logger: false }),
  };
}
