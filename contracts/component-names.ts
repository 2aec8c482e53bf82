import type { z } from 'zod';
import { ClockMove, ClockState, Health, ResetResult, WebhookState } from './admin.js';
import { AuthorizeRequest } from './authorize-request.js';
import { AuthorizeResponse, CustomerActionResult, PaymentRequest } from './authorize-response.js';
import { CertificationReport, CertificationState } from './certification.js';
import { ClientReport, JournalAccounts, RequestList } from './journal.js';
import { KlarnaError } from './klarna-error.js';
import {
  CreatedSigningKey,
  CreateSigningKeyRequest,
  CreateWebhookRequest,
  SigningKey,
  SigningKeyList,
  SimulatedEvent,
  SimulateWebhookRequest,
  UpdateWebhookRequest,
  Webhook,
  WebhookList,
} from './notification.js';
import { CreatePaymentRequestBody, UpdatePaymentRequestBody } from './payment-request.js';
import {
  CaptureBody,
  PaymentCaptureResource,
  PaymentRefundResource,
  PaymentTransactionResource,
  ReauthorizeBody,
  RefundCaptureBody,
  RefundTransactionBody,
  UpdateTransactionBody,
} from './payment-transaction.js';
import { ArmedScenario, ArmScenarioRequest, ScenarioList } from './scenario.js';
import { WebhookFaultRequest, WebhookSubscription, WebhookSubscriptionRequest } from './webhook.js';

/**
 * The name each request and response body has under `components/schemas` in /openapi.json. Code generators name
 * their types after these, so they are part of the API: rename one only as a breaking change. A body shape the
 * routes use and this table misses is written inline, and the OpenAPI tests fail on it.
 */
export const COMPONENT_NAMES: ReadonlyArray<readonly [string, z.ZodType]> = [
  // The Klarna API
  ['AuthorizePaymentRequest', AuthorizeRequest],
  ['AuthorizePaymentResponse', AuthorizeResponse],
  ['ErrorResponse', KlarnaError],
  ['PaymentRequest', PaymentRequest],
  ['CreatePaymentRequest', CreatePaymentRequestBody],
  ['UpdatePaymentRequest', UpdatePaymentRequestBody],
  ['PaymentTransaction', PaymentTransactionResource],
  ['PaymentCapture', PaymentCaptureResource],
  ['PaymentRefund', PaymentRefundResource],
  ['CapturePaymentTransactionRequest', CaptureBody],
  ['RefundPaymentTransactionRequest', RefundTransactionBody],
  ['RefundPaymentCaptureRequest', RefundCaptureBody],
  ['ReauthorizePaymentTransactionRequest', ReauthorizeBody],
  ['UpdatePaymentTransactionRequest', UpdateTransactionBody],
  ['Webhook', Webhook],
  ['WebhookList', WebhookList],
  ['CreateWebhookRequest', CreateWebhookRequest],
  ['UpdateWebhookRequest', UpdateWebhookRequest],
  ['SimulateWebhookRequest', SimulateWebhookRequest],
  ['SimulatedEvent', SimulatedEvent],
  ['SigningKey', SigningKey],
  ['CreatedSigningKey', CreatedSigningKey],
  ['SigningKeyList', SigningKeyList],
  ['CreateSigningKeyRequest', CreateSigningKeyRequest],
  // The simulator's admin API
  ['MockHealth', Health],
  ['MockArmScenarioRequest', ArmScenarioRequest],
  ['MockArmedScenario', ArmedScenario],
  ['MockScenarioList', ScenarioList],
  ['MockResetResult', ResetResult],
  ['MockClockMove', ClockMove],
  ['MockClockState', ClockState],
  ['MockCustomerActionResult', CustomerActionResult],
  ['MockJournalAccounts', JournalAccounts],
  ['MockRequestList', RequestList],
  ['MockClientReport', ClientReport],
  ['MockWebhookSubscriptionRequest', WebhookSubscriptionRequest],
  ['MockWebhookSubscription', WebhookSubscription],
  ['MockWebhookState', WebhookState],
  ['MockWebhookFaultRequest', WebhookFaultRequest],
  ['MockCertificationReport', CertificationReport],
  ['MockCertificationState', CertificationState],
];
