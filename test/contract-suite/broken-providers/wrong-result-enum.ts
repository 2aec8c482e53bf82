import type { Flaw } from './fake-provider.js';

/** Says AUTHORIZED where Klarna's result enum has APPROVED. */
export const wrongResultEnum: Flaw = (answer) => {
  const response = answer.body.payment_transaction_response as { result?: string } | undefined;
  if (response?.result === 'APPROVED') response.result = 'AUTHORIZED';
  return answer;
};
