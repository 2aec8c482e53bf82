import { z } from 'zod';
import {
  AuthorizeHeaders,
  AuthorizeRequest,
  AuthorizeResponse,
  CreatedSigningKey,
  CreatePaymentRequestBody,
  CreateSigningKeyRequest,
  CreateWebhookRequest,
  KlarnaError,
  NotificationHeaders,
  PaymentRequest,
  PaymentRequestHeaders,
  PaymentTransactionResource,
  SigningKey,
  SigningKeyList,
  SimulatedEvent,
  SimulateWebhookRequest,
  UpdatePaymentRequestBody,
  UpdateWebhookRequest,
  Webhook,
  WebhookList,
} from '../../../contracts/index.js';

/** One Klarna operation as the proxy checks it: the contracts of its request and of each documented answer. */
export interface ProxyOperation {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify's path syntax, as the simulator registers the route. */
  path: string;
  headers: z.ZodType;
  /** Absent: the operation takes no body. */
  body?: z.ZodType;
  /** Every documented status and the schema of its body (`z.null()`: none). */
  responses: Record<number, z.ZodType>;
}

// Klarna's error handling page lists 429, 500 and 503 as answers any operation may give.
// https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/error-handling/
const ANY_OPERATION = { 429: KlarnaError, 500: KlarnaError, 503: KlarnaError };
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, KlarnaError])) as Record<number, z.ZodType>;
const ACCESS = errors(400, 401, 403, 404, 409);
const NO_BODY = z.null();

const ACCOUNT = '/v2/accounts/:partner_account_id';
const REQUEST = '/payment/requests/:payment_request_id';
const KEYS = '/v2/notification/signing-keys';
const HOOKS = '/v2/notification/webhooks';

/** Authorize and the payment request operations, on the account path and on Klarna Direct's (`/v2` alone). */
function bothForms(operation: Omit<ProxyOperation, 'path'> & { path: string }): ProxyOperation[] {
  return [
    { ...operation, path: `${ACCOUNT}${operation.path}` },
    { ...operation, name: `${operation.name}Direct`, path: `/v2${operation.path}` },
  ];
}

const notification = (
  name: string,
  method: ProxyOperation['method'],
  path: string,
  ok: Record<number, z.ZodType>,
  body?: z.ZodType,
): ProxyOperation => ({
  name,
  method,
  path,
  headers: NotificationHeaders,
  ...(body !== undefined && { body }),
  responses: { ...ok, ...errors(400, 401, 404, 409), ...ANY_OPERATION },
});

/**
 * Route → contracts, the one table the proxy checks by: the same schemas the simulator's routes declare and
 * answer with (mock-server/http/routes/), so real traffic is held to what the simulator promises.
 */
export const PROXY_OPERATIONS: readonly ProxyOperation[] = [
  ...bothForms({
    name: 'authorizePayment',
    method: 'POST',
    path: '/payment/authorize',
    headers: AuthorizeHeaders,
    body: AuthorizeRequest,
    responses: { 200: AuthorizeResponse, ...ACCESS, ...errors(408, 413, 431), ...ANY_OPERATION },
  }),
  ...bothForms({
    name: 'createPaymentRequest',
    method: 'POST',
    path: '/payment/requests',
    headers: PaymentRequestHeaders,
    body: CreatePaymentRequestBody,
    responses: { 201: PaymentRequest, ...ACCESS, ...ANY_OPERATION },
  }),
  ...bothForms({
    name: 'readPaymentRequest',
    method: 'GET',
    path: REQUEST,
    headers: PaymentRequestHeaders,
    responses: { 200: PaymentRequest, ...ACCESS, ...ANY_OPERATION },
  }),
  ...bothForms({
    name: 'updatePaymentRequest',
    method: 'PATCH',
    path: REQUEST,
    headers: PaymentRequestHeaders,
    body: UpdatePaymentRequestBody,
    responses: { 200: PaymentRequest, ...ACCESS, ...ANY_OPERATION },
  }),
  ...bothForms({
    name: 'cancelPaymentRequest',
    method: 'DELETE',
    path: REQUEST,
    headers: PaymentRequestHeaders,
    responses: { 200: PaymentRequest, ...ACCESS, ...ANY_OPERATION },
  }),
  {
    name: 'readPaymentTransaction',
    method: 'GET',
    path: `${ACCOUNT}/payment/transactions/:payment_transaction_id`,
    headers: PaymentRequestHeaders,
    responses: { 200: PaymentTransactionResource, ...errors(400, 401, 403, 404), ...ANY_OPERATION },
  },
  notification('createSigningKey', 'POST', KEYS, { 201: CreatedSigningKey }, CreateSigningKeyRequest),
  notification('listSigningKeys', 'GET', KEYS, { 200: SigningKeyList }),
  notification('getSigningKey', 'GET', `${KEYS}/:signing_key_id`, { 200: SigningKey }),
  notification('deleteSigningKey', 'DELETE', `${KEYS}/:signing_key_id`, { 204: NO_BODY }),
  notification('createWebhook', 'POST', HOOKS, { 201: Webhook }, CreateWebhookRequest),
  notification('listWebhooks', 'GET', HOOKS, { 200: WebhookList }),
  notification('getWebhook', 'GET', `${HOOKS}/:webhook_id`, { 200: Webhook }),
  notification('updateWebhook', 'PATCH', `${HOOKS}/:webhook_id`, { 200: Webhook }, UpdateWebhookRequest),
  notification('deleteWebhook', 'DELETE', `${HOOKS}/:webhook_id`, { 204: NO_BODY }),
  notification(
    'simulateWebhook',
    'POST',
    `${HOOKS}/:webhook_id/simulate`,
    { 202: SimulatedEvent },
    SimulateWebhookRequest,
  ),
];

/** The documented statuses of an operation, in order. */
export function documentedStatuses(operation: ProxyOperation): number[] {
  return Object.keys(operation.responses)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The schema an answer's body is checked against: the documented one, else Klarna's error body for any error
 * status, else (an undocumented success) the operation's first success schema.
 */
export function responseSchema(operation: ProxyOperation, status: number): z.ZodType {
  const documented = operation.responses[status];
  if (documented !== undefined) return documented;
  if (status >= 400) return KlarnaError;
  const success = documentedStatuses(operation).find((s) => s < 300);
  return success === undefined ? KlarnaError : (operation.responses[success] as z.ZodType);
}
