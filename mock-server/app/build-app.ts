import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import Fastify, { type FastifyInstance } from 'fastify';
import { dotPath } from '../../contracts/index.js';
import { type MockConfig, type MockConfigInput, parseMockConfig } from '../core/config.js';
import type { AnswerStore } from '../core/store/answer-store.js';
import type { Store } from '../core/store/store.js';
import type { Post } from '../core/webhooks/attempt-delivery.js';
import { cheapChildren, type LogOptions } from '../http/logging.js';
import { exchangeHooks } from '../http/plugins/exchange-hooks.js';
import { fastifyOptions } from '../http/plugins/fastify-options.js';
import { fixtureWatch } from '../http/plugins/fixture-watch.js';
import { jsonBodyParser } from '../http/plugins/json-body-parser.js';
import { klarnaHeaders } from '../http/plugins/klarna-headers.js';
import { operationScenarios } from '../http/plugins/operation-scenarios.js';
import { sharedClock } from '../http/plugins/shared-clock.js';
import { shutdownHooks } from '../http/plugins/shutdown-hooks.js';
import type { ReloadResult } from '../io/fixture-loader.js';
import { realSleep, type Sleep } from '../io/sleep.js';
import { openAnswerStore, sharedJournal, sharedRecords } from './open-answer-store.js';
import { registerRoutes } from './register-routes.js';
import { buildServices, type Services } from './services.js';
import { sweepTimer } from './sweep-timer.js';

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
  /** Where idempotency answers and issued tokens live (issue 15); default: in memory, over `store`. */
  answerStore?: AnswerStore;
  logger?: LogOptions | false;
}

type Exposed = Pick<Services, 'store' | 'clock' | 'paymentRequests' | 'webhooks' | 'journal' | 'scenarios'>;
export interface MockApp extends FastifyInstance, Exposed {
  /** Webhooks and signing keys of Klarna's Notifications API, per account. */
  notifications: Services['notifications'];
  mockConfig: MockConfig;
  /**
   * Forgets one account's idempotency records, tokens, payment requests, journal, clock, armed scenarios, webhooks
   * and signing keys.
   */
  resetAccount: Services['resetAccount'];
  /** Emits 'reload' with a ReloadResult each time the scenario files are read again. */
  fixtureEvents: EventEmitter<{ reload: [ReloadResult] }>;
}

/** Builds the simulator (config → services → server); it never listens (only main.ts does). */
export async function buildApp(options: BuildAppOptions = {}): Promise<MockApp> {
  const parsed = parseMockConfig(options.config ?? {});
  if (!parsed.success) throw new Error(`invalid klarna-mock config: ${formatIssues(parsed.error.issues)}`);
  const config = parsed.data;
  const uuid = options.uuid ?? randomUUID;
  // The app's log, once the app exists: warnings come from running services, after it is built.
  const made: { app?: MockApp } = {};
  const warn = (message: string) => made.app?.log.warn(message);
  // The shared store the settings name (`store`), unless one is given: opened (and PINGed) here, closed with the app.
  const opened = options.answerStore === undefined ? await openAnswerStore(config, warn) : undefined;
  try {
    return await built(config, { ...options, ...(opened && { answerStore: opened }) }, uuid, warn, made, opened);
  } catch (error) {
    opened?.close();
    throw error;
  }
}

async function built(
  config: MockConfig,
  options: BuildAppOptions,
  uuid: () => string,
  warn: (message: string) => void,
  made: { app?: MockApp },
  opened: { close(): void } | undefined,
): Promise<MockApp> {
  const records = sharedRecords(options.answerStore, config, warn);
  const sharedJournalStore = sharedJournal(options.answerStore, warn);
  const services = buildServices(config, {
    ...options,
    records,
    journal: sharedJournalStore,
    now: options.now ?? Date.now,
    uuid,
    warn,
  });
  const { store, clock, paymentRequests, webhooks, journal, scenarios, notifications, resetAccount } = services;
  const app = Fastify(fastifyOptions(config, uuid, options.logger)) as unknown as MockApp;
  if (options.logger) cheapChildren(app.log);
  made.app = app;
  // A shared journal's writes in flight finish before the connection they use is closed.
  app.addHook('onClose', async () => {
    await journal.close?.();
    opened?.close();
  });
  const exposed = { store, clock, paymentRequests, webhooks, journal, scenarios, notifications, resetAccount };
  for (const [name, value] of Object.entries(exposed)) app.decorate(name, value as unknown);
  app.decorate('mockConfig', config);
  app.decorate('fixtureEvents', new EventEmitter<{ reload: [ReloadResult] }>());

  const exchange = { journal, config, now: (account: string) => clock.now(account) };
  exchangeHooks(app, exchange);
  const signals = shutdownHooks(app, config);
  klarnaHeaders(app, signals.closing, config.adminToken);
  // After the correlation headers and the closing and header checks: a request refused there reads no clock.
  sharedClock(app, clock, config);
  jsonBodyParser(app);
  const sleep = options.sleep ?? realSleep;
  operationScenarios(app, config, { scenarios, sleep, hangMaxMs: config.hangMaxMs, closing: signals.closing });
  fixtureWatch(app, config, scenarios, app.fixtureEvents);
  sweepTimer(app, services);
  await registerRoutes(app, services, { ...signals, sleep, exchange });
  await app.ready();
  return app;
}

function formatIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues.map((issue) => `${dotPath(issue.path)}: ${issue.message}`).join('; ');
}
