import type { AddressInfo } from 'node:net';
import { type ArmedScenario, ArmScenarioRequest, type ClientReport, type JournalEntry } from '../contracts/index.js';
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
  /** Forget one account's records, journal and armed scenarios. */
  reset(account: string): void;
  close(): Promise<void>;
}

/** Starts the simulator inside a test suite (vitest, jest, …) on a free port. */
export async function startMock(options: StartMockOptions = {}): Promise<RunningMock> {
  const { port = 0, host = '127.0.0.1', ...buildOptions } = options;
  const app = await buildApp(buildOptions);
  await app.listen({ port, host });
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url,
    authorizeUrl: (account) => `${url}/v2/accounts/${encodeURIComponent(account)}/payment/authorize`,
    app,
    requests: (account) => app.journal.entries(account),
    report: (account) => app.journal.report(account),
    arm: (request) => app.scenarios.arm(ArmScenarioRequest.parse(request)),
    disarm: (id) => app.scenarios.disarm(id),
    reset: (account) => {
      app.resetAccount(account);
    },
    close: () => app.close(),
  };
}
