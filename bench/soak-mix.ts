import {
  account,
  approveAsCustomer,
  approveOnPage,
  armNeverFiring,
  authorize,
  authorizeWithSecrets,
  LINE_ITEMS_STEP_UP,
  openIdle,
  PROTO_BODY,
  paymentRequestOf,
  postJson,
  readPaymentRequest,
  stepUpBody,
  stepUpWithHost,
  UNDOCUMENTED_STEP_UP,
} from '../test/hostile/hostile-traffic.js';
import { AUTHORIZE_BODY } from './request.js';

// What `npm run soak` sends: every finding of issue 13's red-team pass, beside the normal traffic of a shop's test
// suite (fresh authorizations and replays), each kind with a weight. A kind resolves with the status it met (the
// last one, when it takes several requests) or a word for what it observed.

export interface SoakContext {
  base: string;
  /** A counter the kinds share, for fresh keys and rotating accounts. */
  next: () => number;
}

type Kind = (context: SoakContext) => Promise<number | string>;

const SHOP_ACCOUNTS = 50;
export const WEBHOOK_ACCOUNTS = Array.from({ length: 5 }, (_, i) => account(`SOAKHOOK${i}`));
const BODY = JSON.stringify(AUTHORIZE_BODY);
const SMALL_UP = JSON.stringify(stepUpBody(100, {}));
const status = async (response: Promise<Response>) => {
  const answer = await response;
  await answer.arrayBuffer();
  return answer.status;
};
const shop = (n: number) => account(`SOAKSHOP${n % SHOP_ACCOUNTS}`);

async function stepUpThenRead(base: string, body: string, of: string) {
  const response = await authorize(base, of, body);
  const request = await paymentRequestOf(response);
  if (request === undefined) return response.status;
  return status(readPaymentRequest(base, of, request.id));
}

export const KINDS: Record<string, { weight: number; send: Kind }> = {
  authorize: {
    weight: 40,
    send: ({ base, next }) =>
      status(authorize(base, shop(next()), BODY, { 'klarna-idempotency-key': `soak-${next()}` })),
  },
  replay: {
    weight: 20,
    send: ({ base }) => status(authorize(base, shop(0), BODY, { 'klarna-idempotency-key': 'soak-replay' })),
  },
  'step-up, 300k undocumented {}': {
    weight: 1,
    send: ({ base, next }) => stepUpThenRead(base, UNDOCUMENTED_STEP_UP, shop(next())),
  },
  'step-up, 15k line items': {
    weight: 1,
    send: ({ base, next }) => stepUpThenRead(base, LINE_ITEMS_STEP_UP, shop(next())),
  },
  'step-up + approve, webhook down': {
    weight: 5,
    send: async ({ base, next }) => {
      const response = await authorize(base, WEBHOOK_ACCOUNTS[next() % WEBHOOK_ACCOUNTS.length] as string, SMALL_UP);
      const request = await paymentRequestOf(response);
      return request === undefined ? response.status : status(approveAsCustomer(base, request.id));
    },
  },
  'arm for all accounts': { weight: 3, send: ({ base }) => status(armNeverFiring(base)) },
  'delay range above the cap': {
    weight: 1,
    send: ({ base, next }) =>
      status(
        postJson(`${base}/__mock/scenarios`, {
          account: shop(next()),
          scenario: { name: 'slow', delay_ms: { min: 0, max: 2 ** 31 } },
        }),
      ),
  },
  'return_url € NUL surrogate, Approve': {
    weight: 3,
    send: async ({ base, next }) => {
      const url = ['https://example.com/€', 'https://example.com/a\u0000b', 'https://example.com/a\ud800b'][next() % 3];
      const response = await authorize(base, shop(next()), JSON.stringify(stepUpBody(100, {}, url)));
      const request = await paymentRequestOf(response);
      return request === undefined ? response.status : status(approveOnPage(base, request.id));
    },
  },
  'return_url javascript: data: file:': {
    weight: 1,
    send: ({ base, next }) => {
      const url = ['javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd'][next() % 3];
      return status(authorize(base, shop(next()), JSON.stringify(stepUpBody(100, {}, url))));
    },
  },
  'Host with @evil.example': {
    weight: 2,
    send: async ({ base, next }) => {
      const answer = await stepUpWithHost(base, shop(next()), '127.0.0.1:4801@evil.example');
      return answer.includes('evil.example') ? 'evil.example in the answer' : Number(answer.slice(9, 12));
    },
  },
  'secrets in headers and query': {
    weight: 2,
    send: ({ base, next }) => status(authorizeWithSecrets(base, shop(next()))),
  },
  'body with __proto__': { weight: 2, send: ({ base, next }) => status(authorize(base, shop(next()), PROTO_BODY)) },
  '200 idle connections': {
    weight: 1,
    send: async ({ base }) => {
      const connections = await openIdle(base, 200);
      await Promise.all(connections.map(({ closed }) => closed));
      return 'closed by the server';
    },
  },
  'journal and report reads': {
    weight: 2,
    send: async ({ base, next }) =>
      status(fetch(`${base}/__mock/${next() % 2 === 0 ? 'requests' : 'report'}?account=${shop(next())}`)),
  },
};

const TOTAL = Object.values(KINDS).reduce((sum, kind) => sum + kind.weight, 0);

/** A kind drawn by weight from a number in [0, 1). */
export function pick(random: number): string {
  let left = random * TOTAL;
  for (const [name, kind] of Object.entries(KINDS)) {
    left -= kind.weight;
    if (left < 0) return name;
  }
  return 'authorize';
}
