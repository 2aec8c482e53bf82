import type { ErrorType, ValidationError } from '../../contracts/index.js';

// The one list of errors the simulator answers with; error-handler.ts is the one place that renders them.
// Codes and messages: https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/error-handling/
// (reference §4.2).

export class KlarnaHttpError extends Error {
  constructor(
    readonly statusCode: number,
    /** Absent only on a route-level 404: Klarna's error table leaves the type of that row empty. */
    readonly errorType: ErrorType | undefined,
    readonly errorCode: string,
    message: string,
    readonly validationErrors?: ValidationError[],
    /** Extra response headers, such as Retry-After on 429. */
    readonly headers?: Record<string, string>,
  ) {
    // An answer the catalogue chose, not a fault: no stack trace (capturing one cost ~12 µs per refused request).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = 'KlarnaHttpError';
  }
}

const ACTION_WORDS: Record<string, string> = {
  open: 'opened',
  approve: 'approved',
  decline: 'declined',
  abort: 'aborted',
  cancel: 'canceled',
  expire: 'expired',
  update: 'updated',
};

/** Klarna caps a parameter name at 256 characters and a reason at 512: longer ones are cut short, marked with `…`. */
function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function boundedViolation(violation: ValidationError): ValidationError {
  const { parameter, reason } = violation;
  return {
    ...violation,
    parameter: bounded(parameter, 256),
    reason: typeof reason === 'string' ? bounded(reason, 512) : reason.map((r) => bounded(r, 512)),
  };
}

export const catalogue = {
  /** Every violation is kept within Klarna's bounds, whatever produced it (a zod message can quote any input). */
  validation: (validationErrors: ValidationError[]) =>
    new KlarnaHttpError(
      400,
      'INPUT_ERROR',
      'VALIDATION_ERROR',
      'One or more input parameters failed validation',
      validationErrors.map(boundedViolation),
    ),
  invalidJson: (message = 'The received input is not valid JSON') =>
    new KlarnaHttpError(400, 'INPUT_ERROR', 'INVALID_CONTENT_TYPE', message),
  unauthorized: () =>
    new KlarnaHttpError(401, 'ACCESS_ERROR', 'UNAUTHORIZED', 'The presented credentials failed authentication'),
  /** The admin API's refusal when an admin token is set (mock-server/http/admin-token.ts). */
  adminUnauthorized: () =>
    new KlarnaHttpError(
      401,
      'ACCESS_ERROR',
      'UNAUTHORIZED',
      'The presented credentials failed authentication',
      undefined,
      { 'WWW-Authenticate': 'Bearer realm="klarna-mock admin"' },
    ),
  forbidden: (account: string, operation = 'authorize payments') =>
    new KlarnaHttpError(
      403,
      'RESOURCE_ERROR',
      'OPERATION_FORBIDDEN',
      `Insufficient privileges to ${operation} on resource ${account}`,
    ),
  resourceNotFound: (resource: string) =>
    new KlarnaHttpError(404, 'RESOURCE_ERROR', 'RESOURCE_NOT_FOUND', `Resource ${resource} does not exist`),
  /**
   * No route: `error_code` NOT_FOUND and no `error_type`, as in Klarna's error table. A real Klarna route the
   * simulator does not simulate is named, so that nobody "fixes" a correct path.
   */
  routeNotFound: (klarnaOperation?: string) =>
    new KlarnaHttpError(
      404,
      undefined,
      'NOT_FOUND',
      klarnaOperation === undefined
        ? 'The requested API route does not exist'
        : `${klarnaOperation}, not simulated by klarna-mock`,
    ),
  /** `tokens`: the token headers that differ from the first request's (none: the body or the operation does). */
  idempotencyConflict: (key: string, tokens: string[] = []) =>
    new KlarnaHttpError(
      409,
      'RESOURCE_ERROR',
      'RESOURCE_CONFLICT',
      `Idempotent operation on ${key} failed: ${
        tokens.length === 0
          ? 'the request differs'
          : `the ${tokens.join(' and ')} header${tokens.length > 1 ? 's differ' : ' differs'}`
      } from the first one sent with this key`,
    ),
  sessionTokenConflict: () =>
    new KlarnaHttpError(
      409,
      'RESOURCE_ERROR',
      'RESOURCE_CONFLICT',
      'Idempotent operation on Klarna-Network-Session-Token failed: the token was already used with another amount or currency',
    ),
  badRequest: () => new KlarnaHttpError(400, 'INPUT_ERROR', 'BAD_REQUEST', 'The request could not be read'),
  headersTooLarge: (which = 'the request headers') =>
    new KlarnaHttpError(
      431,
      'INPUT_ERROR',
      'HEADERS_TOO_LARGE',
      `${which} too large: one header may take 6 KB, all together 20 KB`,
    ),
  paymentRequestState: (id: string, state: string, action: string) =>
    new KlarnaHttpError(
      409,
      'RESOURCE_ERROR',
      'RESOURCE_CONFLICT',
      `Payment request ${id} is ${state}; it cannot be ${ACTION_WORDS[action] ?? action} any more`,
    ),
  paymentRequestFinalized: (id: string) =>
    new KlarnaHttpError(
      409,
      'RESOURCE_ERROR',
      'RESOURCE_CONFLICT',
      `Payment request ${id} is COMPLETED and its session token has been used in a final authorization; it cannot be canceled any more`,
    ),
  sessionTokenMismatch: (amount: number | undefined, currency: string) =>
    new KlarnaHttpError(
      409,
      'RESOURCE_ERROR',
      'RESOURCE_CONFLICT',
      `Idempotent operation on Klarna-Network-Session-Token failed: the customer approved ${amount ?? 'no amount'} ${currency}`,
    ),
  requestTimeout: () =>
    new KlarnaHttpError(
      408,
      'INPUT_ERROR',
      'REQUEST_TIMEOUT',
      'The request did not arrive in time; the connection is closed',
    ),
  payloadTooLarge: (limit: number) =>
    new KlarnaHttpError(413, 'INPUT_ERROR', 'PAYLOAD_TOO_LARGE', `The request body exceeds ${limit} bytes`),
  rateLimited: (retryAfterSeconds: number) =>
    new KlarnaHttpError(429, 'ACCESS_ERROR', 'RATE_LIMITED', 'Too many requests - please try again later', undefined, {
      'Retry-After': String(retryAfterSeconds),
    }),
  // https://docs.klarna.com/klarna-network-distribution/setup-your-integration/integration-resilience/request-timeout
  timeout: () => new KlarnaHttpError(500, 'TECHNICAL_ERROR', 'TIMEOUT', 'Request processing timeout.'),
  unavailable: () =>
    new KlarnaHttpError(503, 'TECHNICAL_ERROR', 'TEMPORARY_UNAVAILABLE', 'Service Temporarily Unavailable'),
  /**
   * The shared state store (Redis, docs/guides/scale-out.md) cannot be reached or did not answer in time: nothing was
   * decided or recorded, so the same request may be retried once it is back.
   */
  storeUnavailable: () =>
    new KlarnaHttpError(
      503,
      'TECHNICAL_ERROR',
      'TEMPORARY_UNAVAILABLE',
      "Service Temporarily Unavailable: the simulator's state store cannot be reached; retry the same request later",
      undefined,
      { 'Retry-After': '1' },
    ),
  /** A per-account cap of the Notifications API: 50 signing keys (Klarna's), 100 webhooks (the simulator's). */
  notificationLimit: (max: number, what: 'signing keys' | 'webhooks') =>
    new KlarnaHttpError(
      409,
      'RESOURCE_ERROR',
      'RESOURCE_CONFLICT',
      `At most ${max} ${what} per account: delete one before creating another`,
    ),
  /** docs/simulator-choices.md#signing-key-in-use */
  signingKeyInUse: (id: string, webhookIds: string) =>
    new KlarnaHttpError(
      409,
      'RESOURCE_ERROR',
      'RESOURCE_CONFLICT',
      `Signing key ${id} is in use by webhook ${webhookIds}: delete the webhook or give it another key first`,
    ),
  unknownSigningKey: (): KlarnaHttpError =>
    catalogue.validation([{ parameter: 'signing_key_id', reason: 'no signing key of this account has this id' }]),
  webhookQueueFull: () =>
    new KlarnaHttpError(
      503,
      'TECHNICAL_ERROR',
      'TEMPORARY_UNAVAILABLE',
      "Service Temporarily Unavailable: the account's webhook delivery queue is full of pending deliveries",
    ),
  /** The request inspector's live streams are all taken (each holds a connection): one frees when a page closes. */
  inspectorStreamsFull: (max: number) =>
    new KlarnaHttpError(
      503,
      'TECHNICAL_ERROR',
      'TEMPORARY_UNAVAILABLE',
      `Service Temporarily Unavailable: at most ${max} inspector pages can follow the journal at once`,
      undefined,
      { 'Retry-After': '5' },
    ),
  /** A transaction operation its state refuses (docs/simulator-choices.md#transaction-errors). */
  transactionState: (id: string, state: string, operation: string) =>
    new KlarnaHttpError(
      409,
      'RESOURCE_ERROR',
      'RESOURCE_CONFLICT',
      `Payment transaction ${id} is ${state}; it cannot be ${operation}`,
    ),
  /** Klarna's per-transaction caps: 200 captures, 200 refunds, 200 voids, 500 actions in all. */
  transactionLimit: (id: string, max: number, what: string) =>
    new KlarnaHttpError(
      403,
      'RESOURCE_ERROR',
      'OPERATION_FORBIDDEN',
      `Payment transaction ${id} has reached its limit of ${max} ${what}`,
    ),
  /** More than can be captured or refunded (docs/simulator-choices.md#transaction-errors). */
  transactionAmount: (id: string, parameter: string, asked: number, available: number, what: string) =>
    new KlarnaHttpError(
      403,
      'RESOURCE_ERROR',
      'OPERATION_FORBIDDEN',
      `${parameter} ${asked} exceeds the ${available} ${what} on payment transaction ${id}`,
    ),
  /** A capture a `DECLINED` scenario refuses (docs/simulator-choices.md#capture-declined). */
  captureDeclined: (id: string, scenario: string, reason?: string) =>
    new KlarnaHttpError(
      403,
      'RESOURCE_ERROR',
      'OPERATION_FORBIDDEN',
      `Capture of payment transaction ${id} was declined${reason === undefined ? '' : `: ${reason}`} (scenario ${scenario})`,
    ),
  armedLimit: (max: number, scope?: string) =>
    new KlarnaHttpError(
      409,
      'RESOURCE_ERROR',
      'RESOURCE_CONFLICT',
      `At most ${max} scenarios can be armed at once${scope === undefined ? '' : ` ${scope}`}`,
    ),
  /** The validating proxy (`klarna-mock proxy`) got no answer from its upstream: refused, reset or unreadable. */
  upstreamUnreachable: (detail: string) =>
    new KlarnaHttpError(502, 'TECHNICAL_ERROR', 'BAD_GATEWAY', `The upstream could not be reached (${detail})`),
  /** The validating proxy's upstream did not answer within its timeout. */
  upstreamTimeout: (timeoutMs: number) =>
    new KlarnaHttpError(
      504,
      'TECHNICAL_ERROR',
      'GATEWAY_TIMEOUT',
      `The upstream did not answer within ${timeoutMs} ms`,
    ),
  internal: (detail?: string) =>
    new KlarnaHttpError(
      500,
      'TECHNICAL_ERROR',
      'INTERNAL_ERROR',
      `Something went wrong at Klarna, if the error persists please reach out to your support contact${detail ? ` (${detail})` : ''}`,
    ),
} as const;
