import { z } from 'zod';
import { PaymentTransaction } from './authorize-response.js';
import { IsoDateTime } from './common.js';

// https://docs.klarna.com/klarna-network-distribution/manage-payments/payment-transaction-lifecycle/ (states) and
// Klarna's request collection (r2512), "Read Payment Transaction": GET …/payment/transactions/{id}.

/**
 * AUTHORIZED: the remaining amount can be captured. EXPIRED: not fully captured in time; CLOSED 7 days after.
 * COMPLETED: fully captured. CLOSED: end of life.
 */
export const PaymentTransactionState = z.enum(['AUTHORIZED', 'EXPIRED', 'COMPLETED', 'CLOSED']);
export type PaymentTransactionState = z.infer<typeof PaymentTransactionState>;

/** A payment transaction as the read operation answers it: the authorize answer's object with its state and times. */
export const PaymentTransactionResource = PaymentTransaction.extend({
  state: PaymentTransactionState,
  created_at: IsoDateTime.optional(),
  updated_at: IsoDateTime.optional(),
  supplementary_purchase_data: z.looseObject({}).optional(),
});
export type PaymentTransactionResource = z.infer<typeof PaymentTransactionResource>;
