import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';

// The requests of issue 13's red-team pass, written once: the hostile tests replay each finding with them, and
// `npm run soak` mixes them for minutes.

export const AUTH = { authorization: 'Basic klarna_test_api_hostile', 'content-type': 'application/json' };
export const account = (name: string) => `krn:partner:global:account:test:${name}`;
export const authorizeUrl = (base: string, of: string) =>
  `${base}/v2/accounts/${encodeURIComponent(of)}/payment/authorize`;

const HANDOVER = { method: 'HANDOVER', return_url: 'https://example.com/klarna/return' };

/** A step-up authorize body: Klarna's documented initial authorization that hands the customer over. */
export function stepUpBody(amount: number, purchase: Record<string, unknown>, returnUrl = HANDOVER.return_url) {
  return {
    currency: 'USD',
    request_payment_transaction: { amount },
    step_up_config: { customer_interaction_config: { ...HANDOVER, return_url: returnUrl } },
    supplementary_purchase_data: { purchase_reference: 'order-1234', ...purchase },
  };
}

/** ~900 KB that decode to 300,000 objects under a field of supplementary_purchase_data the contract does not know. */
export const UNDOCUMENTED_STEP_UP = JSON.stringify(
  stepUpBody(100, { padding: Array.from({ length: 300_000 }, () => ({})) }),
);

/** ~1 MB of documented fields only: 15,000 line items whose amounts add up to the authorized amount. */
export const LINE_ITEMS_STEP_UP = JSON.stringify(
  stepUpBody(15_000, {
    line_items: Array.from({ length: 15_000 }, (_, i) => ({
      name: `item-${String(i).padStart(5, '0')}`,
      quantity: 1,
      unit_price: 1,
      total_amount: 1,
    })),
  }),
);

/** A plain authorize Klarna approves as it is. */
export const SMALL_AUTHORIZE = JSON.stringify({ currency: 'USD', request_payment_transaction: { amount: 100 } });

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export const authorize = (base: string, of: string, body: string, headers: Record<string, string> = {}) =>
  postJson(authorizeUrl(base, of), body, { ...AUTH, ...headers });

/** The payment request of a step-up answer, or undefined when it did not step up. */
export async function paymentRequestOf(response: Response): Promise<{ id: string; url: string } | undefined> {
  const json = (await response.json()) as {
    payment_request?: {
      payment_request_id?: string;
      state_context?: { customer_interaction?: { payment_request_url?: string } };
    };
  };
  const request = json.payment_request;
  if (request?.payment_request_id === undefined) return undefined;
  return {
    id: request.payment_request_id,
    url: String(request.state_context?.customer_interaction?.payment_request_url),
  };
}

export const readPaymentRequest = (base: string, of: string, id: string) =>
  fetch(`${base}/v2/accounts/${encodeURIComponent(of)}/payment/requests/${encodeURIComponent(id)}`, {
    headers: { authorization: AUTH.authorization },
  });

/** The customer approves, as the admin API lets a test do. */
export const approveAsCustomer = (base: string, id: string) =>
  fetch(`${base}/__mock/payment-requests/${encodeURIComponent(id)}/approve`, { method: 'POST' });

/** The hosted page's Approve button, which sends the browser to return_url. */
export const approveOnPage = (base: string, id: string) =>
  fetch(`${base}/pay/requests/${id.split(':').pop()}/approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
    redirect: 'manual',
  });

/** A scenario that never fires: armed for every account when `of` is undefined. */
export const armNeverFiring = (base: string, of?: string) =>
  postJson(`${base}/__mock/scenarios`, {
    ...(of !== undefined && { account: of }),
    scenario: { name: 'never', error: 'INTERNAL_ERROR', match: { nth: 1_000_000_000 } },
  });

/** A URL on which nothing listens: a port that was free a moment ago, closed again. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}/webhooks`;
}

/** Sends raw bytes over a fresh socket (to set headers fetch will not) and resolves with everything received. */
export function rawExchange(base: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}

/** A step-up authorize sent with the Host header of our choosing; resolves with the raw answer. */
export function stepUpWithHost(base: string, of: string, host: string): Promise<string> {
  const body = JSON.stringify(stepUpBody(100, {}));
  const head = [
    `POST /v2/accounts/${encodeURIComponent(of)}/payment/authorize HTTP/1.1`,
    `Host: ${host}`,
    `Authorization: ${AUTH.authorization}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ].join('\r\n');
  return rawExchange(base, `${head}\r\n\r\n${body}`);
}

/** The secrets a client may send beside its credentials: they must never reach the journal or the log. */
export const SECRETS = { proxy: 'proxy-secret-p1', cookie: 'cookie-secret-c2', token: 'query-secret-t3' };
export const authorizeWithSecrets = (base: string, of: string) =>
  postJson(`${authorizeUrl(base, of)}?token=${SECRETS.token}&keep=visible`, SMALL_AUTHORIZE, {
    ...AUTH,
    'proxy-authorization': `Basic ${SECRETS.proxy}`,
    cookie: `session=${SECRETS.cookie}`,
  });

/** A body whose key is __proto__, which a naive merge would turn into the prototype. */
export const PROTO_BODY = '{"currency":"USD","request_payment_transaction":{"amount":100},"__proto__":{"admin":true}}';

/** A connection that sends nothing: what it received, and a promise of its close, watched from its first moment. */
export interface IdleConnection {
  socket: Socket;
  received: () => string;
  closed: Promise<unknown>;
}

/**
 * Opens `count` connections that never send a byte; resolves once all are connected. They open 200 at a time: past
 * the listen backlog (511) the kernel would complete handshakes the server never accepts, connections that look
 * open to the client but that the server never sees.
 */
export async function openIdle(base: string, count: number): Promise<IdleConnection[]> {
  const { hostname, port } = new URL(base);
  const open = async () => {
    const socket = connect(Number(port), hostname);
    socket.on('error', () => {});
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    const closed = once(socket, 'close');
    await once(socket, 'connect');
    return { socket, received: () => text, closed };
  };
  const connections: IdleConnection[] = [];
  while (connections.length < count) {
    const batch = Math.min(200, count - connections.length);
    connections.push(...(await Promise.all(Array.from({ length: batch }, open))));
  }
  return connections;
}
