import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { DriftReport } from '../../../contracts/index.js';
import { parseMockConfig } from '../../core/config.js';
import { catalogue, type KlarnaHttpError } from '../../core/error-catalogue.js';
import { Journal } from '../../core/journal/journal.js';
import { checkRequest, checkResponse } from '../../core/proxy/check-exchange.js';
import { DRIFT_LIMITS, type DriftLimits, DriftTracker } from '../../core/proxy/drift-tracker.js';
import { documentedStatuses, PROXY_OPERATIONS, type ProxyOperation } from '../../core/proxy/proxy-operations.js';
import { bodyText, type Upstream, type UpstreamAnswer, upstreamOf } from '../../io/forward.js';
import { healthRoute } from '../admin/health-route.js';
import { journalRoutes } from '../admin/journal-routes.js';
import { adminTokenHook } from '../admin-token.js';
import { checkedScope } from '../checked-scope.js';
import { errorHandler, sendKlarnaError, toKlarnaError } from '../error-handler.js';
import { newExchange } from '../exchange.js';
import { type LogOptions, loggerOptions, logLine } from '../logging.js';
import { PLAIN_SCHEMA_CONTROLLER } from '../plain-schema-controller.js';
import { proxyRecord } from './proxy-record.js';

export interface BuildProxyOptions {
  /** Base URL of the upstream: Klarna's test environment, or another simulator. */
  upstream: string;
  /** An answer must have come whole within this long, or the partner gets a 504 (default 30 s). */
  timeoutMs?: number;
  /** Partner requests and upstream answers larger than this are refused (default 1 MB and 10 MB). */
  bodyLimitBytes?: number;
  maxResponseBytes?: number;
  now?: () => number;
  uuid?: () => string;
  drift?: DriftLimits;
  logger?: LogOptions | false;
  /**
   * The account journaled for calls whose path names none (Klarna Direct, webhook management): Klarna acts on the
   * API key's account, which the proxy cannot know. Default: none ('').
   */
  account?: string;
  /** Every /__mock request must then send Authorization: Bearer <token>, as on the simulator. */
  adminToken?: string;
}

export interface ProxyApp extends FastifyInstance {
  journal: Journal;
  drift: DriftTracker;
}

/** The upstream's base URL, checked: http or https, no query or credentials (they would leak into every request). */
export function upstreamUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--upstream: ${text} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error('--upstream: expected an http or https URL');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error('--upstream: give the base URL only, without query, fragment or credentials');
  }
  return url;
}

/**
 * The validating proxy: forwards every Klarna call to the upstream unchanged and answers with the upstream's answer
 * unchanged, checking both against the contracts on the way. It never listens (main.ts does).
 */
export async function buildProxy(options: BuildProxyOptions): Promise<ProxyApp> {
  const base = upstreamUrl(options.upstream);
  const defaults = parseMockConfig({});
  if (!defaults.success) throw new Error('the default settings do not parse');
  const config = defaults.data;
  const now = options.now ?? Date.now;
  const uuid = options.uuid ?? randomUUID;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const bodyLimit = options.bodyLimitBytes ?? config.bodyLimitBytes;
  const journal = new Journal({
    perAccount: config.journalSize,
    accounts: config.journalAccounts,
    maxAgeMs: config.journalMaxAgeMs,
    maxBytes: config.journalMaxBytes,
    now: () => now(),
  });
  const drift = new DriftTracker(base.origin + base.pathname.replace(/\/$/, ''), options.drift ?? DRIFT_LIMITS);
  const upstream = upstreamOf(base, { timeoutMs, maxResponseBytes: options.maxResponseBytes ?? 10 * 1024 * 1024 });

  const app = Fastify({
    bodyLimit,
    genReqId: () => uuid(),
    schemaController: PLAIN_SCHEMA_CONTROLLER,
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors: (error, request, reply) => sendKlarnaError(toKlarnaError(error, bodyLimit), request.id, reply),
    forceCloseConnections: 'idle',
    ...(options.logger ? { logger: loggerOptions(options.logger) } : { logger: false }),
  }) as unknown as ProxyApp;
  app.decorate('journal', journal);
  app.decorate('drift', drift);
  app.decorateRequest('exchange', null);
  app.addHook('onClose', async () => upstream.close());
  if (options.adminToken !== undefined) app.addHook('onRequest', adminTokenHook(options.adminToken));

  // Bodies are passed on as the bytes that came, whatever their type; the checks read them as text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.addHook('onRequest', (request, _reply, done) => {
    request.exchange = newExchange(journal.arrival(), 'other');
    done();
  });
  if (options.logger) {
    app.addHook('onResponse', (request, reply, done) => {
      logLine(request, reply.statusCode, reply);
      done();
    });
  }
  app.setErrorHandler(errorHandler(bodyLimit));

  const deps = { upstream, journal, drift, now, timeoutMs, account: options.account ?? '' };
  for (const operation of PROXY_OPERATIONS) {
    app.route({ method: operation.method, url: operation.path, handler: forwarding(deps, operation) });
  }
  app.setNotFoundHandler(forwarding(deps, undefined));
  healthRoute(app);
  journalRoutes(app, { journal });
  checkedScope(app, (routes) =>
    routes.get('/__mock/drift', { schema: { response: { 200: DriftReport } } }, async () => drift.report()),
  );
  await app.ready();
  return app;
}

interface ForwardDeps {
  upstream: Upstream;
  journal: Journal;
  drift: DriftTracker;
  now: () => number;
  timeoutMs: number;
  account: string;
}

/** The handler of one operation (undefined: a path the contracts do not describe, forwarded unchecked). */
function forwarding(deps: ForwardDeps, operation: ProxyOperation | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : undefined;
    const answer = await deps.upstream.send({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body,
    });
    const journaled = operation !== undefined || request.url.startsWith('/v2/');
    if ('failure' in answer) {
      deps.drift.noteFailure();
      const error: KlarnaHttpError =
        answer.failure === 'timeout'
          ? catalogue.upstreamTimeout(deps.timeoutMs)
          : catalogue.upstreamUnreachable(answer.message);
      request.log.warn(`upstream ${answer.failure}: ${answer.message}`);
      if (journaled) deps.journal.record(proxyRecord(request, operation, { status: error.statusCode }, deps));
      return sendKlarnaError(error, request.id, reply);
    }
    reply.code(answer.status).headers(answer.headers).send(answer.body);
    if (journaled) check(deps, request, operation, answer);
    return reply;
  };
}

/** Both directions against the contracts: the request's findings go to the journal, the answer's to the drift report. */
function check(
  deps: ForwardDeps,
  request: FastifyRequest,
  operation: ProxyOperation | undefined,
  answer: UpstreamAnswer,
) {
  const requestId = String(answer.headers['klarna-correlation-id'] ?? request.id);
  const text = bodyText(answer.body, answer.headers['content-encoding']);
  if (operation === undefined) {
    deps.drift.noteUnchecked();
    deps.journal.record(proxyRecord(request, undefined, { status: answer.status, requestId }, deps));
    return;
  }
  const sent = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : undefined;
  const requestCheck = checkRequest(operation, request.headers, sent);
  const responseCheck = checkResponse(operation, answer.status, text);
  const documented = documentedStatuses(operation);
  deps.drift.note({ operation: operation.name, status: answer.status, documented, requestId }, responseCheck);
  const replayed = answer.headers['idempotent-replayed'] === 'true';
  const exchange = { status: answer.status, requestId, replayed, request: requestCheck, response: responseCheck };
  deps.journal.record(proxyRecord(request, operation, exchange, deps));
  const drifted = [...responseCheck.violations.map((v) => v.path), ...responseCheck.unknownFields];
  if (drifted.length > 0 || !documented.includes(answer.status)) {
    request.log.warn(
      `${operation.name} ${answer.status}: the upstream's answer drifts from the contract ${drifted.join(', ')}`,
    );
  }
}
