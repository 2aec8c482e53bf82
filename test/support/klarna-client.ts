import { z } from 'zod';
import {
  ArmedScenario,
  type ArmScenarioRequest,
  AuthorizeResponse,
  ClientReport,
  ClockState,
  CreatedSigningKey,
  CustomerActionResult,
  dotPath,
  Health,
  KlarnaError,
  PaymentCaptureResource,
  PaymentRefundResource,
  PaymentRequest,
  PaymentTransactionResource,
  RequestList,
  ResetResult,
  ScenarioList,
  SigningKey,
  SigningKeyList,
  SimulatedEvent,
  Webhook,
  WebhookList,
  WebhookState,
  WebhookSubscription,
} from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { ACCOUNT } from './samples.js';

/** The API key every test sends unless it says otherwise (the simulator takes any key). */
export const TEST_API_KEY = 'klarna_test_api_k';

/** One request as it goes on the wire; `body` is sent as it is (a string) or as JSON (anything else). */
export interface ClientRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

type RawAnswer = { status: number; headers: Headers; text: string };
type Transport = (request: {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}) => Promise<RawAnswer>;

/** Every documented status of an operation and the contract of its body (`z.null()`: no body). */
type Contracts = Record<number, z.ZodType>;

/** Each path that breaks the schema, in the one path notation, with zod's message: `payment_request.state: Invalid option …`. */
export function contractViolations(schema: z.ZodType, body: unknown): string[] {
  const result = schema.safeParse(body);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${dotPath(issue.path)}: ${issue.message}`);
}

/** An answer as tests read it, with the contract of the operation that gave it. */
export class KlarnaAnswer<T = unknown> {
  /** The parsed JSON body; undefined when the body was empty, the text itself when it was not JSON. */
  readonly body: unknown;
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly headers: Headers,
    readonly text: string,
    private readonly contracts: Contracts,
  ) {
    this.body = parseJson(text);
  }

  /** The body checked against the contract documented for this status; fails naming every broken path. */
  expectContract(): this {
    const schema = this.contracts[this.status] ?? (this.status >= 400 ? KlarnaError : undefined);
    if (schema === undefined) {
      throw new Error(`${this.operation} answered ${this.status}, which is not documented: ${this.text.slice(0, 500)}`);
    }
    const violations = contractViolations(schema, this.text === '' ? null : this.body);
    if (violations.length > 0) {
      throw new Error(`${this.operation} ${this.status} breaks its contract:\n  ${violations.join('\n  ')}`);
    }
    return this;
  }

  /** The success body, typed by its contract: fails when the status is not a success or the body breaks it. */
  ok(): T {
    if (this.status < 200 || this.status > 299) {
      throw new Error(`${this.operation} answered ${this.status}, not a success: ${this.text.slice(0, 500)}`);
    }
    this.expectContract();
    return this.body as T;
  }

  /** The Klarna error body: fails when the answer is not an error, breaks the contract, or has another code. */
  error(code?: string): KlarnaError {
    if (this.status < 400) {
      throw new Error(`${this.operation} answered ${this.status}, not an error: ${this.text.slice(0, 500)}`);
    }
    this.expectContract();
    const error = KlarnaError.parse(this.body);
    if (code !== undefined && error.error_code !== code) {
      throw new Error(`${this.operation} answered ${error.error_code}, not ${code}: ${this.text.slice(0, 500)}`);
    }
    return error;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What authorize sends besides its body; every header is left out unless given (the API key defaults). */
export interface AuthorizeOptions {
  account?: string;
  /** Sent as `Authorization: Basic <key>`; null sends no Authorization header. */
  apiKey?: string | null;
  idempotencyKey?: string;
  sessionToken?: string;
  paymentToken?: string;
  customerToken?: string;
  scenario?: string;
  /** Any other header, sent last, so it overrides the ones above. */
  headers?: Record<string, string>;
}

/** What a Notification API call sends besides its body: the API key (null sends none) and any other header. */
export interface NotificationOptions {
  apiKey?: string | null;
  headers?: Record<string, string>;
}

/** The account path, or Klarna Direct's (`/v2` alone) for `account: null`. */
const accountPrefix = (account: string | null) =>
  account === null ? '/v2' : `/v2/accounts/${encodeURIComponent(account)}`;
const segment = encodeURIComponent;

function injectTransport(app: MockApp): Transport {
  return async ({ method, path, headers, body }) => {
    const response = await app.inject({
      method: method as 'GET',
      url: path,
      headers,
      ...(body !== undefined && { payload: body }),
    });
    const answerHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [String(value)]) answerHeaders.append(name, one);
    }
    return { status: response.statusCode, headers: answerHeaders, text: response.body };
  };
}

function fetchTransport(base: () => string): Transport {
  return async ({ method, path, headers, body }) => {
    const response = await fetch(`${base()}${path}`, { method, headers, ...(body !== undefined && { body }) });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
}

/**
 * One typed client of the simulator for tests: Klarna's operations and the `/__mock` admin API, through
 * `app.inject()` (an app) or real HTTP (a base URL, or a function giving it once the server listens). Every method
 * answers a `KlarnaAnswer` carrying the contract of its operation; `.ok()`, `.error(code)` and `.expectContract()`
 * check against it.
 */
export function klarnaClient(
  target: MockApp | string | (() => string),
  /** The account and the API key sent unless a call says otherwise (TEST_API_KEY by default). */
  defaults: { account?: string; apiKey?: string } = {},
) {
  const transport =
    typeof target === 'string'
      ? fetchTransport(() => target)
      : typeof target === 'function'
        ? fetchTransport(target)
        : injectTransport(target);
  const defaultAccount = defaults.account ?? ACCOUNT;
  const defaultKey = defaults.apiKey ?? TEST_API_KEY;

  async function call<T>(operation: string, contracts: Contracts, request: ClientRequest): Promise<KlarnaAnswer<T>> {
    const headers: Record<string, string> = { ...request.headers };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
    }
    const answer = await transport({
      method: request.method,
      path: request.path,
      headers,
      ...(body !== undefined && { body }),
    });
    return new KlarnaAnswer<T>(operation, answer.status, answer.headers, answer.text, contracts);
  }

  /** Authorization with the default test key, then the caller's headers. */
  const klarnaHeaders = (headers: Record<string, string> = {}) => ({
    authorization: `Basic ${defaultKey}`,
    ...headers,
  });

  /** An operation with one success status, typed by its contract. */
  const op = <S extends z.ZodType>(operation: string, status: number, schema: S, request: ClientRequest) =>
    call<z.infer<S>>(operation, { [status]: schema }, request);
  /** A Notification API operation: under /v2/notification/, the key asked for (none for null), then the headers. */
  const notificationOp = <S extends z.ZodType>(
    operation: string,
    status: number,
    schema: S,
    method: ClientRequest['method'],
    segments: string[],
    { apiKey, headers }: NotificationOptions = {},
    body?: unknown,
  ) =>
    op(operation, status, schema, {
      method,
      path: `/v2/notification/${segments.map(segment).join('/')}`,
      headers: { ...(apiKey !== null && { authorization: `Basic ${apiKey ?? defaultKey}` }), ...headers },
      body,
    });
  const payment = (account = defaultAccount) => `${accountPrefix(account)}/payment`;
  const transaction = (id: string, account?: string) => `${payment(account)}/transactions/${segment(id)}`;

  const client = {
    /** Any request, for what has no method here; its contract is Klarna's error shape for 4xx and 5xx only. */
    send: (request: ClientRequest, operation = `${request.method} ${request.path}`) =>
      call<unknown>(operation, {}, request),

    authorize(body: unknown, options: AuthorizeOptions = {}) {
      const headers: Record<string, string> = {};
      if (options.apiKey !== null) headers.authorization = `Basic ${options.apiKey ?? defaultKey}`;
      if (options.idempotencyKey !== undefined) headers['klarna-idempotency-key'] = options.idempotencyKey;
      if (options.sessionToken !== undefined) headers['klarna-network-session-token'] = options.sessionToken;
      if (options.paymentToken !== undefined) headers['klarna-payment-token'] = options.paymentToken;
      if (options.customerToken !== undefined) headers['klarna-customer-token'] = options.customerToken;
      if (options.scenario !== undefined) headers['mock-scenario'] = options.scenario;
      const account = options.account === undefined ? defaultAccount : options.account;
      return op('authorizePayment', 200, AuthorizeResponse, {
        method: 'POST',
        path: `${accountPrefix(account)}/payment/authorize`,
        headers: { ...headers, ...options.headers },
        body,
      });
    },

    /** Authorizes and answers the id of the approved transaction; fails when it is not approved. */
    async approve(body: unknown, options: AuthorizeOptions = {}): Promise<string> {
      const answer = await client.authorize(body, options);
      const transaction = answer.ok().payment_transaction_response?.payment_transaction;
      if (!transaction) throw new Error(`not approved: ${answer.text.slice(0, 500)}`);
      return transaction.payment_transaction_id;
    },

    paymentRequests: {
      create: (body: unknown, headers?: Record<string, string>, account = defaultAccount) =>
        op('createPaymentRequest', 201, PaymentRequest, {
          method: 'POST',
          path: `${payment(account)}/requests`,
          headers: klarnaHeaders(headers),
          body,
        }),
      read: (id: string, headers?: Record<string, string>, account = defaultAccount) =>
        op('readPaymentRequest', 200, PaymentRequest, {
          method: 'GET',
          path: `${payment(account)}/requests/${segment(id)}`,
          headers: klarnaHeaders(headers),
        }),
      update: (id: string, body: unknown, headers?: Record<string, string>, account = defaultAccount) =>
        op('updatePaymentRequest', 200, PaymentRequest, {
          method: 'PATCH',
          path: `${payment(account)}/requests/${segment(id)}`,
          headers: klarnaHeaders(headers),
          body,
        }),
      cancel: (id: string, headers?: Record<string, string>, account = defaultAccount) =>
        op('cancelPaymentRequest', 200, PaymentRequest, {
          method: 'DELETE',
          path: `${payment(account)}/requests/${segment(id)}`,
          headers: klarnaHeaders(headers),
        }),
    },

    transactions: {
      read: (id: string, account?: string) =>
        op('readPaymentTransaction', 200, PaymentTransactionResource, {
          method: 'GET',
          path: transaction(id, account),
          headers: klarnaHeaders(),
        }),
      capture: (id: string, body: unknown, headers?: Record<string, string>) =>
        op('capturePaymentTransaction', 201, PaymentCaptureResource, {
          method: 'POST',
          path: `${transaction(id)}/capture`,
          headers: klarnaHeaders(headers),
          body,
        }),
      refund: (id: string, body: unknown, headers?: Record<string, string>) =>
        op('refundPaymentTransaction', 201, PaymentRefundResource, {
          method: 'POST',
          path: `${transaction(id)}/refund`,
          headers: klarnaHeaders(headers),
          body,
        }),
      void: (id: string, headers?: Record<string, string>) =>
        op('voidPaymentTransaction', 200, PaymentTransactionResource, {
          method: 'POST',
          path: `${transaction(id)}/void`,
          headers: klarnaHeaders(headers),
        }),
    },

    /** Klarna's Notification API: the signing keys and webhooks of the API key's account. */
    notifications: {
      createSigningKey: (options?: NotificationOptions) =>
        notificationOp('createSigningKey', 201, CreatedSigningKey, 'POST', ['signing-keys'], options),
      signingKeys: (options?: NotificationOptions) =>
        notificationOp('listSigningKeys', 200, SigningKeyList, 'GET', ['signing-keys'], options),
      signingKey: (id: string, options?: NotificationOptions) =>
        notificationOp('getSigningKey', 200, SigningKey, 'GET', ['signing-keys', id], options),
      deleteSigningKey: (id: string, options?: NotificationOptions) =>
        notificationOp('deleteSigningKey', 204, z.null(), 'DELETE', ['signing-keys', id], options),
      createWebhook: (body: unknown, options?: NotificationOptions) =>
        notificationOp('createWebhook', 201, Webhook, 'POST', ['webhooks'], options, body),
      webhooks: (options?: NotificationOptions) =>
        notificationOp('listWebhooks', 200, WebhookList, 'GET', ['webhooks'], options),
      webhook: (id: string, options?: NotificationOptions) =>
        notificationOp('getWebhook', 200, Webhook, 'GET', ['webhooks', id], options),
      updateWebhook: (id: string, body: unknown, options?: NotificationOptions) =>
        notificationOp('updateWebhook', 200, Webhook, 'PATCH', ['webhooks', id], options, body),
      deleteWebhook: (id: string, options?: NotificationOptions) =>
        notificationOp('deleteWebhook', 204, z.null(), 'DELETE', ['webhooks', id], options),
      simulate: (id: string, body: unknown, options?: NotificationOptions) =>
        notificationOp('simulateWebhook', 202, SimulatedEvent, 'POST', ['webhooks', id, 'simulate'], options, body),
    },

    /** The simulator's own `/__mock` API: not Klarna's, no credentials. */
    admin: {
      health: () => op('health', 200, Health, { method: 'GET', path: '/__mock/health' }),
      // A string is sent as it is: a body JSON.stringify cannot make.
      arm: (request: ArmScenarioRequest | Record<string, unknown> | string) =>
        op('armScenario', 201, ArmedScenario, {
          method: 'POST',
          path: '/__mock/scenarios',
          body: request,
        }),
      scenarios: (query = '') =>
        op('listScenarios', 200, ScenarioList, { method: 'GET', path: `/__mock/scenarios${query}` }),
      disarm: (id: string) =>
        op('disarmScenario', 204, z.null(), { method: 'DELETE', path: `/__mock/scenarios/${segment(id)}` }),
      reset: (account = defaultAccount) =>
        op('resetAccount', 200, ResetResult, {
          method: 'POST',
          path: `/__mock/accounts/${segment(account)}/reset`,
        }),
      moveClock: (move: { advance_ms: number } | { set: string }, account = defaultAccount) =>
        op('moveClock', 200, ClockState, {
          method: 'POST',
          path: '/__mock/clock',
          body: { account, ...move },
        }),
      requests: (query = '') =>
        op('listRequests', 200, RequestList, { method: 'GET', path: `/__mock/requests${query}` }),
      report: (query = '') => op('clientReport', 200, ClientReport, { method: 'GET', path: `/__mock/report${query}` }),
      /** The customer on the hosted page: approve, decline, abort, … */
      act: (paymentRequestId: string, action: string) =>
        op('customerAction', 200, CustomerActionResult, {
          method: 'POST',
          path: `/__mock/payment-requests/${segment(paymentRequestId)}/${segment(action)}`,
        }),
      subscribe: (url: string, account = defaultAccount, extra: Record<string, unknown> = {}) =>
        op('subscribeWebhooks', 201, WebhookSubscription, {
          method: 'POST',
          path: '/__mock/webhooks',
          body: { account, url, ...extra },
        }),
      /** A webhook fault (delay, duplicate, drop, out_of_order) for the account's next deliveries. */
      webhookFault: (request: Record<string, unknown>) =>
        op('armWebhookFault', 204, z.null(), { method: 'POST', path: '/__mock/webhooks/faults', body: request }),
      webhooks: (account = defaultAccount, query = '') =>
        op('webhookState', 200, WebhookState, {
          method: 'GET',
          path: `/__mock/webhooks?account=${segment(account)}${query}`,
        }),
    },
  };
  return client;
}
