import type { AuthorizeRequest } from '../../../contracts/index.js';
import { buildServices, type Services } from '../../../mock-server/app/services.js';
import type { AuthorizeDeps, AuthorizeInput } from '../../../mock-server/core/authorize/authorize-deps.js';
import {
  type CheckedRequest,
  checkedRequest,
  sentTokens,
  validRequest,
} from '../../../mock-server/core/authorize/checked-request.js';
import { claimAnswer } from '../../../mock-server/core/authorize/claim-answer.js';
import type { Decision } from '../../../mock-server/core/authorize/decide.js';
import type { AuthorizePlan } from '../../../mock-server/core/authorize/plan.js';
import { recordAnswer } from '../../../mock-server/core/authorize/record-answer.js';
import { type RenderedAnswer, renderedAnswer } from '../../../mock-server/core/authorize/rendered-answer.js';
import type { Awaitable } from '../../../mock-server/core/awaitable.js';
import { type MockConfigInput, parseMockConfig } from '../../../mock-server/core/config.js';
import { LEASE_MS } from '../../../mock-server/core/store/answer-store.js';
import { fakeClock, sequentialUuids } from '../../support/fake-clock.js';

export const ACCOUNT = 'krn:partner:global:account:test:AB12CD34';
export const AUTH = `Basic ${Buffer.from('user:pass').toString('base64')}`;

/** A request the default rules approve as it is. */
export const BODY: AuthorizeRequest = {
  currency: 'USD',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'order-1234' },
  supplementary_purchase_data: {
    purchase_reference: 'order-1234',
    line_items: [{ name: 'Running shoes', quantity: 1, total_amount: 11800 }],
  },
};

/** The services over a fake clock and predictable ids, as the stages get them; nothing listens. */
export function authorizeDeps(
  config: MockConfigInput = {},
): AuthorizeDeps & Services & { clockAt: ReturnType<typeof fakeClock> } {
  const parsed = parseMockConfig(config);
  if (!parsed.success) throw new Error('bad test config');
  const clockAt = fakeClock();
  const services = buildServices(parsed.data, { now: clockAt.now, uuid: sequentialUuids(), warn: () => {} });
  return { ...services, clockAt };
}

/** The input the HTTP layer would hand over for `body` and extra headers. */
export function inputOf(
  body: unknown,
  headers: Record<string, unknown> = {},
  over: Partial<AuthorizeInput> = {},
): AuthorizeInput {
  const text = JSON.stringify(body);
  return {
    account: ACCOUNT,
    headers: { authorization: AUTH, 'content-type': 'application/json', ...headers },
    bodyText: text,
    parseBody: (t) => JSON.parse(t),
    origin: () => 'http://127.0.0.1:1',
    rawBodyHash: undefined,
    ...over,
  };
}

/** A request past the checks. */
export function checked(
  deps: AuthorizeDeps & Services,
  body: unknown = BODY,
  headers: Record<string, unknown> = {},
): CheckedRequest {
  return checkedOf(inputOf(body, headers), deps);
}

/** The checks of `input`, with what the (memory) store knows of its tokens, read synchronously. */
export function checkedOf(input: AuthorizeInput, deps: AuthorizeDeps & Services): CheckedRequest {
  const valid = validRequest(input, deps.config);
  const { session, customer } = sentTokens(valid);
  const issued = {
    session: session === undefined ? undefined : deps.store.issuedToken(input.account, session),
    customerScopes: customer === undefined ? undefined : deps.store.issuedCustomerToken(input.account, customer),
  };
  return synchronously(checkedRequest(valid, issued, deps));
}

/** The memory stores answer at once: a promise here would be a slowdown of the hot path. */
export function synchronously<T>(value: Awaitable<T>): T {
  if (value instanceof Promise) throw new Error('the memory path answered with a promise');
  return value;
}

/** The answer to a decision, as the service renders it (synchronously, over the memory stores). */
export function rendered(
  request: CheckedRequest,
  decision: Decision,
  origin: () => string,
  deps: AuthorizeDeps,
): RenderedAnswer {
  return synchronously(renderedAnswer(request, decision, origin, deps));
}

/** Records a processed answer as the service does: under a claim of its key and token, when it has either. */
export async function record(
  request: CheckedRequest,
  decision: Decision,
  answer: RenderedAnswer,
  deps: AuthorizeDeps,
): Promise<void> {
  const ids = { key: request.key, token: request.token };
  const claim =
    ids.key === undefined && ids.token === undefined
      ? undefined
      : await deps.answerStore.claim(request.account, ids, { leaseMs: LEASE_MS, force: true });
  if (claim !== undefined && claim.kind !== 'claimed') throw new Error(`claim ${claim.kind}`);
  await recordAnswer(request, decision, answer, claim?.lease, deps);
}

/** The stored replay of the long way: its plan, or undefined when the request is to run (its lease let go). */
export async function storedReplayOf(request: CheckedRequest, deps: AuthorizeDeps): Promise<AuthorizePlan | undefined> {
  const claimed = await claimAnswer(request, deps);
  if (claimed.kind === 'replay') return claimed.plan;
  if (claimed.lease !== undefined) await deps.answerStore.release(claimed.lease);
  return undefined;
}
