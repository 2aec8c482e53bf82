import { type Flaw, transactionOf } from './fake-provider.js';

/** Sends the approved amount as a string ("11800"), as a provider that forwards a decimal column might. */
export const amountAsString: Flaw = (answer) => {
  const transaction = transactionOf(answer);
  if (transaction) transaction.amount = String(transaction.amount);
  return answer;
};
