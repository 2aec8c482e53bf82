import { z } from 'zod';
import { PaymentTransaction } from './authorize-response.js';
import { Amount, Currency, IdempotencyKeyHeader, IsoDateTime, Krn, Reference } from './common.js';
import { lazily } from './lazily.js';
import { LineItem, SupplementaryPurchaseData } from './supplementary-purchase-data.js';

// https://docs.klarna.com/klarna-network-distribution/manage-payments/payment-transaction-lifecycle/ (states) and
// Klarna's request collection (r2512), "Payment Transaction API": read, update, capture, refund, void, reauthorize.
// Requests are loose like authorize's (unknown fields are client findings, not refusals); responses are loose so the
// same schemas check Klarna's test environment.

/**
 * AUTHORIZED: the remaining amount can be captured. EXPIRED: not fully captured in time; CLOSED 7 days after.
 * COMPLETED: fully captured. CLOSED: end of life.
 */
export const PaymentTransactionState = lazily(() => z.enum(['AUTHORIZED', 'EXPIRED', 'COMPLETED', 'CLOSED']));
export type PaymentTransactionState = z.infer<typeof PaymentTransactionState>;

const AmountOrZero = lazily(() => z.int().min(0).max(2147483647));

/** A payment transaction as the read operation answers it: the authorize answer's object with its state and times. */
export const PaymentTransactionResource = lazily(() =>
  PaymentTransaction.unwrap().extend({
    state: PaymentTransactionState,
    created_at: IsoDateTime.optional(),
    updated_at: IsoDateTime.optional(),
    supplementary_purchase_data: z.looseObject({}).optional(),
    payment_refunds: z
      .array(
        z.looseObject({
          payment_refund_id: z.string().min(1),
          amount: Amount.optional(),
          refunded_at: IsoDateTime.optional(),
        }),
      )
      .optional(),
    captured_amount: AmountOrZero.optional(),
    refunded_amount: AmountOrZero.optional(),
    remaining_authorized_amount: AmountOrZero.optional(),
  }),
);
export type PaymentTransactionResource = z.infer<typeof PaymentTransactionResource>;

/** Delivery or return of a shipment, as Klarna's capture sample sends them. */
const ShipmentLeg = lazily(() =>
  z.looseObject({
    tracking_number: z.string().min(1).max(255).optional(),
    tracking_url: z.url().optional(),
    shipping_carrier: z.string().min(1).max(255).optional(),
    shipping_type: z.string().min(1).max(64).optional(),
    shipping_type_attribute: z.string().min(1).max(64).optional(),
    estimated_delivery_date: z.iso.date().optional(),
  }),
);

export const SupplementaryCaptureData = lazily(() =>
  z.looseObject({
    line_items: z.array(LineItem).max(1000).optional(),
    shipments: z
      .array(z.looseObject({ delivery: ShipmentLeg.optional(), return: ShipmentLeg.optional() }))
      .max(100)
      .optional(),
  }),
);

/** POST …/payment/transactions/{id}/capture ("Capture Payment Transaction"). */
export const CaptureBody = lazily(() =>
  z.looseObject({
    capture_amount: Amount,
    payment_capture_reference: Reference.optional(),
    remaining_authorization: z
      .enum(['RELEASE'])
      .optional()
      .describe('RELEASE: nothing more can be captured after this'),
    supplementary_capture_data: SupplementaryCaptureData.optional(),
    supplementary_purchase_data: SupplementaryPurchaseData.optional(),
  }),
);
export type CaptureBody = z.infer<typeof CaptureBody>;

const RefundData = lazily(() => z.looseObject({ line_items: z.array(LineItem).min(1).max(1000) }));

/** POST …/payment/transactions/{id}/refund ("Refund Payment Transaction"): line items are required here. */
export const RefundTransactionBody = lazily(() =>
  z.looseObject({
    refund_amount: Amount,
    refund_reference: Reference.optional(),
    supplementary_refund_data: RefundData,
  }),
);
export type RefundTransactionBody = z.infer<typeof RefundTransactionBody>;

/** POST …/payment/captures/{id}/refund ("Refund Payment Capture"). */
export const RefundCaptureBody = lazily(() =>
  z.looseObject({
    refund_amount: Amount,
    payment_refund_reference: Reference.optional(),
    supplementary_refund_data: RefundData.unwrap().partial().optional(),
  }),
);
export type RefundCaptureBody = z.infer<typeof RefundCaptureBody>;

/** POST …/payment/transactions/{id}/authorize ("Reauthorize Payment Transaction"). */
export const ReauthorizeBody = lazily(() =>
  z.looseObject({
    extension_days: z.int().min(1).max(180).optional().describe('Days added to expires_at (from now if already past)'),
    amount: Amount.optional().describe('The new authorized amount; never below what is captured'),
    supplementary_purchase_data: SupplementaryPurchaseData.optional(),
  }),
);
export type ReauthorizeBody = z.infer<typeof ReauthorizeBody>;

/** PATCH …/payment/transactions/{id} ("Update Payment Transaction"). */
export const UpdateTransactionBody = lazily(() =>
  z.looseObject({
    payment_transaction_reference: Reference.optional(),
    supplementary_purchase_data: SupplementaryPurchaseData.optional(),
  }),
);
export type UpdateTransactionBody = z.infer<typeof UpdateTransactionBody>;

export const PaymentCaptureResource = lazily(() =>
  z.looseObject({
    payment_capture_id: z.string().min(1),
    payment_transaction_id: Krn.optional(),
    payment_capture_reference: z.string().optional(),
    amount: Amount,
    currency: Currency.optional(),
    refunded_amount: AmountOrZero.optional(),
    captured_at: IsoDateTime.optional(),
    supplementary_capture_data: z.looseObject({}).optional(),
  }),
);
export type PaymentCaptureResource = z.infer<typeof PaymentCaptureResource>;

export const PaymentRefundResource = lazily(() =>
  z.looseObject({
    payment_refund_id: z.string().min(1),
    payment_transaction_id: Krn.optional(),
    payment_capture_id: z.string().optional(),
    payment_refund_reference: z.string().optional(),
    amount: Amount,
    currency: Currency.optional(),
    refunded_at: IsoDateTime.optional(),
    supplementary_refund_data: z.looseObject({}).optional(),
  }),
);
export type PaymentRefundResource = z.infer<typeof PaymentRefundResource>;

/** The headers a transaction write documents (Authorization aside). */
export const TransactionWriteHeaders = lazily(() =>
  z.object({
    'klarna-idempotency-key': IdempotencyKeyHeader.optional(),
    'partner-correlation-id': z.string().max(255).optional().describe('Echoed in the response'),
  }),
);
