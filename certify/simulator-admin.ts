import { type JournalEntry, RequestList } from '../contracts/index.js';

// The simulator's admin API as certify uses it, over HTTP: the same code whether certify started the simulator
// or --base-url names a running one.

export class CouldNotRunError extends Error {}

export interface SimulatorAdmin {
  health(): Promise<void>;
  reset(account: string): Promise<void>;
  arm(account: string, scenario: string): Promise<void>;
  /** The account's authorize requests, oldest first. */
  authorizeRequests(account: string): Promise<JournalEntry[]>;
}

export function simulatorAdmin(baseUrl: string, adminToken?: string): SimulatorAdmin {
  const auth: Record<string, string> = adminToken ? { authorization: `Bearer ${adminToken}` } : {};
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new CouldNotRunError(`could not reach the simulator at ${baseUrl}: ${cause ?? (error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new CouldNotRunError(`${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`);
    }
    return text === '' ? undefined : JSON.parse(text);
  }
  const account = (id: string) => encodeURIComponent(id);
  return {
    async health() {
      await call('GET', '/__mock/health');
    },
    async reset(id) {
      await call('POST', `/__mock/accounts/${account(id)}/reset`);
    },
    async arm(id, name) {
      await call('POST', '/__mock/scenarios', { account: id, name, times: 1 });
    },
    async authorizeRequests(id) {
      // One purchase makes a handful of requests: the first page (the newest 1000) holds them all.
      const list = RequestList.parse(await call('GET', `/__mock/requests?account=${account(id)}`));
      return list.requests.filter((e) => e.method === 'POST' && e.path.endsWith('/payment/authorize'));
    },
  };
}
