import type { RequestFacts } from '../../mock-server/core/scenarios/match.js';

/** What a scenario matches on, for an authorize of `account` (USD, reference `ref-1`, a step-up possible). */
export const requestFacts = (account: string, amount = 11800): RequestFacts => ({
  account,
  amount,
  currency: 'USD',
  email: undefined,
  reference: 'ref-1',
  sessionToken: false,
  customerToken: false,
  stepUpPossible: true,
});
