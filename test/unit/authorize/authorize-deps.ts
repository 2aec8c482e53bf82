import type { AuthorizeRequest } from '../../../contracts/index.js';
import { buildServices, type Services } from '../../../mock-server/app/services.js';
import type { AuthorizeDeps, AuthorizeInput } from '../../../mock-server/core/authorize/authorize-deps.js';
import type { CheckedRequest } from '../../../mock-server/core/authorize/checked-request.js';
import { checkedRequest } from '../../../mock-server/core/authorize/checked-request.js';
import { type MockConfigInput, parseMockConfig } from '../../../mock-server/core/config.js';
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
  deps: AuthorizeDeps,
  body: unknown = BODY,
  headers: Record<string, unknown> = {},
): CheckedRequest {
  return checkedRequest(inputOf(body, headers), deps);
}
