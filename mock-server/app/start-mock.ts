import type { AddressInfo } from 'node:net';
import { type ArmedScenario, ArmScenarioRequest, type ClientReport, type JournalEntry } from '../../contracts/index.js';
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
  /** The journal of authorize requests, oldest first (one account, or all). */
  requests(account?: string): JournalEntry[];
  /** Client verification: contract errors and warnings of the requests so far. */
  report(account?: string): ClientReport;
  arm(request: ArmScenarioRequest): ArmedScenario;
  disarm(id: string): boolean;
  /**
   * Forget one account's records, journal and armed scenarios. With a shared store (`store`), a promise that
   * resolves once the store has forgotten the account's webhooks and signing keys.
   */
  reset(account: string): Promise<void> | undefined;
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
    requests: (account) => app.journal.entries(account),
    report: (account) => app.journal.report(account),
    arm: (request) => {
      try {
        return app.scenarios.arm(ArmScenarioRequest.parse(request));
      } catch (error) {
        throw withReasons(error);
      }
    },
    disarm: (id) => app.scenarios.disarm(id),
    reset: (account) => {
      const done = app.resetAccount(account);
      return done instanceof Promise ? done.then(() => undefined) : undefined;
    },
    close: () => app.close(),
  };
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
