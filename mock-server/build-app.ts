import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyHttpOptions, type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import { dotPath, type WebhookPayload } from '../contracts/index.js';
import { AccountClock } from './account-clock.js';
import { adminTokenHook } from './admin-token.js';
import { accountOfKey, authenticate } from './authenticate.js';
import type { AuthorizePlan } from './authorize-service.js';
import { type MockConfig, type MockConfigInput, parseMockConfig } from './config.js';
import { catalogue, type KlarnaHttpError } from './error-catalogue.js';
import { clientErrorHandler, errorHandler, sendKlarnaError, toKlarnaError } from './error-handler.js';
import { oversizedHeader } from './header-limits.js';
import { Journal } from './journal/journal.js';
import { operationRecordOf } from './journal/record-request.js';
import { forbiddenKey } from './json-body.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { type LogOptions, loggerOptions, logLine } from './logging.js';
import { notSimulatedOperation } from './not-simulated-routes.js';
import { registerOpenApi } from './openapi.js';
import { PaymentRequests } from './payment-requests/payment-requests.js';
import { PLAIN_SCHEMA_CONTROLLER } from './plain-schema-controller.js';
import { adminRoutes } from './routes/admin-routes.js';
import { authorizeRoute } from './routes/authorize-route.js';
import { clockRoutes } from './routes/clock-routes.js';
import { customerActionRoutes } from './routes/customer-action-routes.js';
import { healthRoute } from './routes/health-route.js';
import { hostedPageRoutes } from './routes/hosted-page-routes.js';
import { inspectorRoutes } from './routes/inspector-routes.js';
import { notificationRoutes } from './routes/notification-routes.js';
import { operationScenario, transactionOperation } from './routes/operation-scenario.js';
import { paymentRequestRoutes } from './routes/payment-request-routes.js';
import { paymentRequestWriteRoutes } from './routes/payment-request-write-routes.js';
import { transactionRoutes } from './routes/transaction-routes.js';
import { transactionWriteRoutes } from './routes/transaction-write-routes.js';
import { webhookRoutes } from './routes/webhook-routes.js';
import { loadScenarioDir, type ReloadResult, watchScenarioDir } from './scenarios/fixture-loader.js';
import { ScenarioEngine } from './scenarios/scenario-engine.js';
import { realSleep, type Sleep } from './sleep.js';
import { Store } from './store.js';
import { Transactions } from './transactions/transactions.js';
import type { Post } from './webhooks/attempt-delivery.js';
import { eventRecipients } from './webhooks/event-recipients.js';
import { httpPost } from './webhooks/http-post.js';
import { NotificationRegistry } from './webhooks/notification-registry.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

declare module 'fastify' {
  interface FastifyRequest {
    authorizePlan: AuthorizePlan | undefined;
    /** The catalogue error this request was answered with, for the journal. */
    klarnaError: KlarnaHttpError | undefined;
    /** The authorize body exactly as received, for the journal. */
    rawBodyText: string | undefined;
    /** Its place in the journal's order of arrival. */
    journalSeq: number;
  }
}

export interface BuildAppOptions {
  config?: MockConfigInput;
  /** Milliseconds since the epoch; every expiry reads it. Tests pass a fake clock. */
  now?: () => number;
  /** Source of UUIDs for identifiers and correlation ids. */
  uuid?: () => string;
  /** Sends one webhook attempt; tests may pass their own. Default: HTTP POST with a timeout. */
  webhookPost?: Post;
  /** Waits for scenario delays and hangs. Tests pass one that records the wait instead of sleeping. */
  sleep?: Sleep;
  store?: Store;
  logger?: LogOptions | false;
}

export interface MockApp extends FastifyInstance {
  store: Store;
  clock: AccountClock;
  paymentRequests: PaymentRequests;
  webhooks: WebhookDispatcher;
  /** Webhooks and signing keys of Klarna's Notifications API, per account. */
  notifications: NotificationRegistry;
  journal: Journal;
  scenarios: ScenarioEngine;
  mockConfig: MockConfig;
  /**
   * Forgets one account's idempotency records, tokens, payment requests, journal, clock, armed scenarios, webhooks
   * and signing keys.
   */
  resetAccount(account: string): { disarmed: number };
  /** Emits 'reload' with a ReloadResult each time the scenario files are read again. */
  fixtureEvents: EventEmitter<{ reload: [ReloadResult] }>;
}

/** Builds the simulator; it never listens (only main.ts does). */
export async function buildApp(options: BuildAppOptions = {}): Promise<MockApp> {
  const parsed = parseMockConfig(options.config ?? {});
  if (!parsed.success) throw new Error(`invalid klarna-mock config: ${formatIssues(parsed.error.issues)}`);
  const config = parsed.data;
  const now = options.now ?? Date.now;
  const uuid = options.uuid ?? randomUUID;
  const clock = new AccountClock(now);
  const store =
    options.store ??
    new Store(
      config.maxStoredResponses,
      (account, createdAt) => clock.now(account) - createdAt >= config.idempotencyWindowMs,
      {
        maxBytes: config.storeMaxBytes,
        onFull: (store) =>
          app.log.warn(`the store of ${store} is full (storeMaxBytes or maxStoredResponses): the oldest go first`),
      },
    );
  const scenarios = new ScenarioEngine(config.seed, uuid, {
    perAccount: config.maxArmedPerAccount,
    forAll: config.maxArmedForAll,
    total: config.maxArmedScenarios,
  });
  // A bad scenario file stops the start here, with its name, the path inside it and the reason.
  if (config.fixturesDir !== undefined) scenarios.setFixtures(loadScenarioDir(config.fixturesDir));
  const closing = new AbortController();
  const graceOver = new AbortController();
  const journal = new Journal({
    perAccount: config.journalSize,
    accounts: config.journalAccounts,
    maxAgeMs: config.journalMaxAgeMs,
    maxBytes: config.journalMaxBytes,
    now: (account) => clock.now(account),
    onFull: (message) => app.log.warn(message),
  });
  const notifications = new NotificationRegistry({ now: (account) => clock.now(account), uuid });
  const webhooks = new WebhookDispatcher({
    now: (account) => clock.now(account),
    uuid,
    post: options.webhookPost ?? httpPost(config.webhookTimeoutMs),
    horizonMs: config.webhookRetryHorizonMs,
    maxPendingBytesPerAccount: config.webhookPendingBytesPerAccount,
    maxPendingBytes: config.webhookPendingBytes,
    maxFinished: config.webhookFinishedDeliveries,
    maxFinishedBytes: config.webhookFinishedBytes,
    onError: (message) => app.log.warn(`webhooks: ${message}`),
    targets: (account, eventType) =>
      eventRecipients(account, config).flatMap((recipient) =>
        notifications
          .targets(recipient, eventType)
          .map((target) => (recipient === account ? target : { ...target, recipient })),
      ),
  });
  for (const subscription of config.webhooks ?? []) webhooks.subscribe(subscription);
  const paymentRequests = new PaymentRequests({
    store,
    clock,
    uuid,
    region: config.region,
    ttlMs: config.paymentRequestTtlMs,
    emit: (account, eventType, payload) => webhooks.emit(account, eventType, payload as WebhookPayload),
  });

  const transactions = new Transactions({
    store,
    clock,
    emit: (account, eventType, payload) => webhooks.emit(account, eventType, payload as WebhookPayload),
  });

  const fastifyOptions: FastifyHttpOptions<Server> = {
    bodyLimit: config.bodyLimitBytes,
    // The request id is Klarna-Correlation-Id (and error_id): made for every request, even one Fastify rejects early.
    genReqId: () => uuid(),
    // Routes check their own input and serialize their own checked output (plain-schema-controller.ts).
    schemaController: PLAIN_SCHEMA_CONTROLLER,
    // logging.ts writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // A pino child logger per request (for reqId on every line) costs more than the rest of a replay: none is made
    // when nothing would be written.
    childLoggerFactory: (logger, bindings, childOptions) =>
      logger.level === 'silent' ? logger : logger.child(bindings, childOptions),
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
    ...(options.logger ? { logger: loggerOptions(options.logger) } : { logger: false }),
  };
  const app = Fastify(fastifyOptions) as unknown as MockApp;
  app.decorate('store', store);
  app.decorate('scenarios', scenarios);
  app.decorate('mockConfig', config);
  app.decorate('fixtureEvents', new EventEmitter<{ reload: [ReloadResult] }>());
  app.decorateRequest('authorizePlan', undefined);
  app.decorateRequest('klarnaError', undefined);
  app.decorateRequest('rawBodyText', undefined);
  app.decorateRequest('journalSeq', 0);
  app.decorate('journal', journal);
  app.decorate('clock', clock);
  app.decorate('paymentRequests', paymentRequests);
  app.decorate('webhooks', webhooks);
  app.decorate('notifications', notifications);
  app.decorate('resetAccount', (account: string) => {
    store.resetAccount(account);
    journal.reset(account);
    clock.reset(account);
    paymentRequests.reset(account);
    transactions.reset(account);
    webhooks.reset(account);
    notifications.reset(account);
    return { disarmed: scenarios.resetAccount(account) };
  });

  closeSilentConnections(app.server, config.idleTimeoutMs);

  app.removeContentTypeParser('text/plain');
  // An empty JSON body is no body: DELETE clients often send the header anyway. Routes that need a body say so.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      return done(catalogue.validation([{ parameter: 'body', reason: `nested deeper than ${MAX_JSON_DEPTH} levels` }]));
    }
    // Valid JSON with a __proto__ or constructor key is refused by name, not as "not valid JSON".
    return json(request, body as string, (error, value) =>
      error ? done(forbiddenKey(body as string) ?? error) : done(null, value),
    );
  });

  // Hooks on the hot path take callbacks, not async functions: no promise per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('Klarna-Correlation-Id', request.id);
    const partnerId = request.headers['partner-correlation-id'];
    if (typeof partnerId === 'string' && partnerId.length <= 255) reply.header('Partner-Correlation-Id', partnerId);
    if (closing.signal.aborted) return done(catalogue.unavailable());
    const oversized = oversizedHeader(request.headers, request.raw.rawHeaders);
    done(oversized === undefined ? undefined : catalogue.headersTooLarge(oversized));
  });
  if (config.adminToken !== undefined) app.addHook('onRequest', adminTokenHook(config.adminToken));
  // Every Klarna operation goes in the journal: authorize journals itself (its route knows its plan and faults), the
  // others are journaled here, in the order they arrived.
  const journaled = (request: FastifyRequest) => {
    const url = request.routeOptions.url;
    return url?.startsWith('/v2/') === true && !url.endsWith('/payment/authorize');
  };
  app.addHook('onRequest', (request, _reply, done) => {
    if (journaled(request)) request.journalSeq = journal.arrival();
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (journaled(request)) {
      const answer = { status: reply.statusCode, replayed: reply.getHeader('idempotent-replayed') === 'true' };
      journal.record(operationRecordOf(request, answer, (account) => clock.now(account), accountOf(request)));
    }
    done();
  });
  // Mock-Scenario's errors, faults and delays on the operations beside authorize (authorize chooses its own); the
  // payment transaction writes also look for scenarios armed for them and for magic amounts.
  const scenarioDeps = {
    scenarios,
    sleep: options.sleep ?? realSleep,
    hangMaxMs: config.hangMaxMs,
    closing: closing.signal,
  };
  app.addHook('preHandler', (request, reply, done) => {
    if (!journaled(request)) return done();
    if (request.headers['mock-scenario'] === undefined && transactionOperation(request) === undefined) return done();
    // As on authorize, a scenario answers only a request with valid credentials: the route answers the others (401,
    // 403, 404), and an armed scenario is not used up by them.
    const account = accountOf(request);
    if (authenticate(request.headers.authorization, account, config) !== undefined) return done();
    operationScenario(request, reply, account, scenarioDeps).then(() => done(), done);
  });
  /** The account a Klarna operation acted on: its path's, else its API key's (Direct, webhook management). */
  const accountOf = (request: FastifyRequest) => {
    const inPath = (request.params as { partner_account_id?: unknown } | undefined)?.partner_account_id;
    if (typeof inPath === 'string') return inPath;
    const ofKey = accountOfKey(request.headers.authorization, config);
    return typeof ofKey === 'string' ? ofKey : '';
  };
  if (options.logger) {
    app.addHook('onResponse', (request, reply, done) => {
      logLine(request, reply.statusCode, reply);
      done();
    });
  }
  // Answers finished while closing end their connection, so that close() need not wait for keep-alive timeouts.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing.signal.aborted) reply.header('Connection', 'close');
    done(null, payload);
  });
  // Shutdown: refuse new requests (503), let hangs go, give delayed answers shutdownGraceMs to finish.
  app.addHook('preClose', async () => {
    closing.abort();
    setTimeout(() => graceOver.abort(), config.shutdownGraceMs).unref();
  });
  if (config.fixturesDir !== undefined && config.watchFixtures) {
    const stop = watchScenarioDir(config.fixturesDir, (result) => {
      if (result.ok) {
        scenarios.setFixtures(result.scenarios);
        app.log.info(`scenario files reloaded: ${result.scenarios.length} scenarios`);
      } else {
        app.log.error(`scenario files not reloaded, keeping the last good set: ${result.error}`);
      }
      app.fixtureEvents.emit('reload', result);
    });
    app.addHook('onClose', async () => stop());
  }

  app.setErrorHandler(errorHandler(config.bodyLimitBytes));
  app.setNotFoundHandler((request, reply) =>
    sendKlarnaError(catalogue.routeNotFound(notSimulatedOperation(request.method, request.url)), request.id, reply),
  );

  registerOpenApi(app);
  healthRoute(app);
  adminRoutes(app, { scenarios, journal, resetAccount: app.resetAccount });
  inspectorRoutes(app, { journal });
  paymentRequestRoutes(app, { config, paymentRequests });
  transactionRoutes(app, { config, transactions, clock });
  await transactionWriteRoutes(app, { config, transactions, store, clock });
  await paymentRequestWriteRoutes(app, { config, paymentRequests, store, clock });
  customerActionRoutes(app, { paymentRequests });
  hostedPageRoutes(app, { paymentRequests });
  webhookRoutes(app, { webhooks });
  notificationRoutes(app, { config, store, clock, uuid, notifications, webhooks });
  clockRoutes(app, {
    clock,
    moved: (account) => {
      paymentRequests.sweep(account);
      transactions.sweep(account);
      void webhooks.pump(account);
    },
  });
  // Real time moves every account's clock too: expire payment requests and retry webhooks as it passes.
  const tick = setInterval(() => {
    paymentRequests.sweep();
    transactions.sweep();
    void webhooks.pump();
  }, 1000);
  tick.unref();
  app.addHook('onClose', async () => {
    clearInterval(tick);
    await webhooks.close();
  });
  await authorizeRoute(app, {
    config,
    store,
    scenarios,
    paymentRequests,
    transactions,
    clock,
    uuid,
    journal,
    sleep: options.sleep ?? realSleep,
    closing: closing.signal,
    graceOver: graceOver.signal,
  });
  await app.ready();
  return app;
}

/**
 * Node's timeouts start with a request's first byte: a connection that never sends one would be held forever (tens
 * of thousands at once). Each new connection gets idleTimeoutMs to start its first request; past it, Node's own
 * socket timeout handler destroys it. Once a request has arrived the timer is off, and Node's header, request and
 * keep-alive timeouts take over (a delayed answer is not idleness).
 */
function closeSilentConnections(server: Server, idleTimeoutMs: number) {
  server.on('connection', (socket: Socket) => socket.setTimeout(idleTimeoutMs));
  server.on('request', (request: IncomingMessage) => request.socket.setTimeout(0));
}

function formatIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${dotPath(issue.path)}: ${issue.message}`).join('; ');
}
