import type { z } from 'zod';
import {
  type ArmScenarioRequest,
  type AuthorizeRequest,
  AuthorizeResponse,
  type CertificationReport,
  type ClockMove,
  CustomerActionResult,
  type JournalEntry,
  RequestList,
  type WebhookDelivery,
  type WebhookFaultRequestInput,
  WebhookState,
  type WebhookSubscriptionRequest,
} from '../contracts/index.js';

// The simulator's admin API as certify uses it, over HTTP: the same code whether certify started the simulator
// or --base-url names a running one.

export class CouldNotRunError extends Error {}

export interface SimulatorAdmin {
  health(): Promise<void>;
  reset(account: string): Promise<void>;
  arm(account: string, scenario: string): Promise<void>;
  /** The account's authorize requests, oldest first. */
  authorizeRequests(account: string): Promise<JournalEntry[]>;
  /** Sends the account's webhooks to `url`, signed with `signingKey`. */
  subscribe(account: string, url: string, signingKey: string): Promise<void>;
  armWebhookFault(account: string, fault: WebhookFaultRequestInput['fault']): Promise<void>;
  advanceClock(account: string, ms: number): Promise<void>;
  /** The account's webhook deliveries, oldest first. */
  deliveries(account: string): Promise<WebhookDelivery[]>;
  /**
   * A session token the simulator issued: a step-up authorization of `amount` EUR under `apiKey`, approved as the
   * customer would. Its authorize request is in the journal: certify leaves it out of the client's attempts.
   */
  issueSessionToken(account: string, apiKey: string, amount: number): Promise<string>;
  /** Hands the report to the simulator's request inspector. */
  putCertification(report: CertificationReport): Promise<void>;
}

export function simulatorAdmin(baseUrl: string, adminToken?: string): SimulatorAdmin {
  const auth: Record<string, string> = adminToken ? { authorization: `Bearer ${adminToken}` } : {};
  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = auth,
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
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
      await call('POST', '/__mock/scenarios', { account: id, name, times: 1 } satisfies ArmScenarioRequest);
    },
    async authorizeRequests(id) {
      // One purchase makes a handful of requests: the first page (the newest 1000) holds them all.
      const list = RequestList.parse(await call('GET', `/__mock/requests?account=${account(id)}`));
      return list.requests.filter((e) => e.method === 'POST' && e.path.endsWith('/payment/authorize'));
    },
    async subscribe(id, url, signingKey) {
      await call('POST', '/__mock/webhooks', {
        account: id,
        url,
        signing_key: signingKey,
      } satisfies WebhookSubscriptionRequest);
    },
    async armWebhookFault(id, fault) {
      await call('POST', '/__mock/webhooks/faults', {
        account: id,
        fault,
        times: 1,
      } satisfies WebhookFaultRequestInput);
    },
    async advanceClock(id, ms) {
      await call('POST', '/__mock/clock', { account: id, advance_ms: ms } satisfies z.input<typeof ClockMove>);
    },
    async deliveries(id) {
      return WebhookState.parse(await call('GET', `/__mock/webhooks?account=${account(id)}&limit=1000`)).deliveries;
    },
    async issueSessionToken(id, apiKey, amount) {
      const stepUp = AuthorizeResponse.parse(
        await call(
          'POST',
          `/v2/accounts/${account(id)}/payment/authorize`,
          {
            currency: 'EUR',
            request_payment_transaction: { amount },
            step_up_config: {
              customer_interaction_config: { method: 'HANDOVER', return_url: 'https://certify.invalid/return' },
            },
          } satisfies AuthorizeRequest,
          { authorization: `Basic ${apiKey}`, 'klarna-idempotency-key': crypto.randomUUID() },
        ),
      );
      const request = stepUp.payment_request?.payment_request_id;
      if (request === undefined) throw new CouldNotRunError('the step-up authorization made no payment request');
      const approved = CustomerActionResult.parse(
        await call('POST', `/__mock/payment-requests/${encodeURIComponent(request)}/approve`),
      );
      const token = approved.payload.state_context?.klarna_network_session_token;
      if (token === undefined) throw new CouldNotRunError('the approved payment request carried no session token');
      return token;
    },
    async putCertification(report) {
      await call('PUT', '/__mock/certification', report);
    },
  };
}
