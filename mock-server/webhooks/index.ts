export { attemptDelivery, type Post } from './attempt-delivery.js';
export { type AttemptOutcome, attemptOutcome, DELIVERED_STATUSES } from './attempt-outcome.js';
export { accountUuid, buildEnvelope, type EnvelopeInput } from './envelope.js';
export { DEFAULT_RETRY_HORIZON_MS, nextAttemptAt, RETRY_DELAYS_MS } from './retry-schedule.js';
export { signBody, verifyKlarnaSignature } from './sign.js';
export { WebhookDispatcher, type WebhookDispatcherOptions, type WebhookTarget } from './webhook-dispatcher.js';
