import { type Flaw, transactionOf } from './fake-provider.js';

/** Approves without a payment_transaction_id, the one id a partner needs to capture later. */
export const missingTransactionId: Flaw = (answer) => {
  const transaction = transactionOf(answer);
  if (transaction) delete transaction.payment_transaction_id;
  return answer;
};
