import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import type { AuthorizeOutcome } from './authorize-service.js';
import { MockConfig, type MockConfigInput } from './config.js';
import { catalogue } from './error-catalogue.js';
import { clientErrorHandler, errorHandler, sendKlarnaError, toKlarnaError } from './error-handler.js';
import { type LogOptions, loggerOptions, logLine } from './logging.js';
import { registerOpenApi } from './openapi.js';
import { authorizeRoute } from './routes/authorize-route.js';
import { healthRoute } from './routes/health-route.js';
import { Store } from './store.js';

declare module 'fastify' {
  interface FastifyRequest {
    authorizeOutcome: AuthorizeOutcome | undefined;
  }
}

export interface BuildAppOptions {
  config?: MockConfigInput;
  /** Milliseconds since the epoch; every expiry reads it. Tests pass a fake clock. */
  now?: () => number;
  /** Source of UUIDs for identifiers and correlation ids. */
  uuid?: () => string;
  store?: Store;
  logger?: LogOptions | false;
}

export interface MockApp extends FastifyInstance {
  store: Store;
  mockConfig: MockConfig;
}

/** Builds the simulator; it never listens (only main.ts does). */
export async function buildApp(options: BuildAppOptions = {}): Promise<MockApp> {
  const parsed = MockConfig.safeParse(options.config ?? {});
  if (!parsed.success) throw new Error(`invalid klarna-mock config: ${formatIssues(parsed.error.issues)}`);
  const config = parsed.data;
  const now = options.now ?? Date.now;
  const uuid = options.uuid ?? randomUUID;
  const store = options.store ?? new Store(config.maxStoredResponses);

  const fastifyOptions: FastifyServerOptions = {
    bodyLimit: config.bodyLimitBytes,
    // The request id is Klarna-Correlation-Id (and error_id): made for every request, even one Fastify rejects early.
    genReqId: () => uuid(),
    // logging.ts writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Account ids are checked by the route (≤ 255 characters); Fastify's default cap of 100 would answer first.
    routerOptions: { maxParamLength: 1024 },
    clientErrorHandler: clientErrorHandler(uuid),
    // Errors Fastify meets before routing (a malformed URL) get the Klarna body too.
    frameworkErrors: (error, request, reply) =>
      sendKlarnaError(toKlarnaError(error, config.bodyLimitBytes), request.id, reply),
    forceCloseConnections: true,
    ...(options.logger ? { logger: loggerOptions(options.logger) } : { logger: false }),
  };
  const app = Fastify(fastifyOptions) as unknown as MockApp;
  app.decorate('store', store);
  app.decorate('mockConfig', config);
  app.decorateRequest('authorizeOutcome', undefined);

  // Each route checks its own input in one pass (every violation listed, auth first) and serializes its own
  // checked output, so Fastify's per-part validation and serialization stay out of the way.
  app.setValidatorCompiler(() => (value) => ({ value }));
  app.setSerializerCompiler(() => (value) => JSON.stringify(value));
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    reply.header('Klarna-Correlation-Id', request.id);
    const partnerId = request.headers['partner-correlation-id'];
    if (typeof partnerId === 'string' && partnerId.length <= 255) reply.header('Partner-Correlation-Id', partnerId);
  });
  if (options.logger) app.addHook('onResponse', async (request, reply) => logLine(request, reply));

  app.setErrorHandler(errorHandler(config.bodyLimitBytes));
  app.setNotFoundHandler((request, reply) => sendKlarnaError(catalogue.routeNotFound(), request.id, reply));

  await registerOpenApi(app);
  healthRoute(app);
  authorizeRoute(app, { config, store, now, uuid });
  await app.ready();
  return app;
}

function formatIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
