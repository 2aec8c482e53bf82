import type { AddressInfo } from 'node:net';
import { type ArmedScenario, ArmScenarioRequest, type ClientReport, type JournalEntry } from '../../contracts/index.js';
import { type Awaitable, andThen } from '../core/awaitable.js';
import { KlarnaHttpError } from '../core/error-catalogue.js';
import { adminExposure, readyAddress } from './admin-exposure.js';
import { type BuildAppOptions, buildApp, type MockApp } from './build-app.js';

export interface StartMockOptions extends BuildAppOptions {
  /** Default 0: a free port. */
  port?: number;
  host?: string;
}

export interface RunningMock {
  /** Base URL, e.g. http://127.0.0.1:41234; the authorize path goes after it. */
  url: string;
  /** `${url}/v2/accounts/${account}/payment/authorize`, with the account percent-encoded. */
  authorizeUrl(account: string): string;
  app: MockApp;
  /**
   * The journal of authorize requests, oldest first (one account, or all). With a shared store (`store`) the journal
   * is in Redis: this throws, read it with `readRequests`.
   */
  requests(account?: string): JournalEntry[];
  /** Client verification: contract errors and warnings of the requests so far (with a shared store: `readReport`). */
  report(account?: string): ClientReport;
  /** `requests` with any store: the journal every instance sharing the store sees. */
  readRequests(account?: string): Promise<JournalEntry[]>;
  /** `report` with any store. */
  readReport(account?: string): Promise<ClientReport>;
  /**
   * Arms a scenario. Over the memory store (the default) it is armed when this returns; over a shared store (`store`
   * set) it answers with a promise: await it. `await mock.arm(…)` suits both.
   */
  arm(request: ArmScenarioRequest): ArmedScenario | Promise<ArmedScenario>;
  disarm(id: string): boolean | Promise<boolean>;
  /** Forget one account's records, journal and armed scenarios (a promise over a shared store). */
  reset(account: string): void | Promise<void>;
  close(): Promise<void>;
}

/** Starts the simulator inside a test suite (vitest, jest, …) on a free port. */
export async function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const { port = 0, host = '127.0.0.1', ...buildOptions } = options;
  const exposure = adminExposure(host, {
    adminToken: buildOptions.config?.adminToken,
    adminOpen: buildOptions.config?.adminOpen ?? false,
  });
  if (exposure.kind === 'refuse') throw new Error(`klarna-mock: ${exposure.message}`);
  const app = await buildApp(buildOptions);
  if (exposure.kind === 'warn') app.log.warn(exposure.message);
  try {
    await app.listen({ port, host });
  } catch (error) {
    // A port in use, say: nothing of this app may outlive the failure (a scenario-file watcher would hold the
    // process open).
    await app.close();
    throw error;
  }
  const { url } = readyAddress(app.server.address() as AddressInfo);
  return {
    url,
    authorizeUrl: (account) => `${url}/v2/accounts/${encodeURIComponent(account)}/payment/authorize`,
    app,
    requests: (account) => atOnce(app.journal.entries(account), 'requests'),
    report: (account) => atOnce(app.journal.report(account), 'report'),
    readRequests: async (account) => app.journal.entries(account),
    readReport: async (account) => app.journal.report(account),
    arm: (request) => {
      try {
        // Refusals with reasons (a bad scenario) are thrown at once, whatever the store; a promise may only reject
        // with a cap or the store's 503, which have none.
        return app.scenarios.arm(ArmScenarioRequest.parse(request));
      } catch (error) {
        throw withReasons(error);
      }
    },
    disarm: (id) => app.scenarios.disarm(id),
    reset: (account) => andThen(app.resetAccount(account), () => undefined),
    close: () => app.close(),
  };
}

/** The memory journal answers at once; a shared one (Redis) only through the promise of `read…`. */
function atOnce<T>(value: Awaitable<T>, what: 'requests' | 'report'): T {
  if (!(value instanceof Promise)) return value;
  // The read goes on without anyone to hear it: its failure must not surface as an unhandled rejection.
  value.catch(() => {});
  const read = what === 'requests' ? 'readRequests' : 'readReport';
  throw new Error(`klarna-mock: the journal is in the shared store: use await mock.${read}() instead of ${what}()`);
}

/** A refusal thrown to a test names its reasons in its message, where a test runner shows it. */
function withReasons(error: unknown): unknown {
  if (!(error instanceof KlarnaHttpError) || error.validationErrors === undefined) return error;
  const reasons = error.validationErrors.map((v) => `${v.parameter}: ${String(v.reason)}`).join('; ');
  return new KlarnaHttpError(
    error.statusCode,
    error.errorType,
    error.errorCode,
    `${error.message}: ${reasons}`,
    error.validationErrors,
    error.headers,
  );
}
