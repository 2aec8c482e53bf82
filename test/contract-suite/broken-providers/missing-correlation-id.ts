import type { Flaw } from './fake-provider.js';

/**
 * Leaves out the Klarna-Correlation-Id header and nothing else. The suite must pass it: the contract is statuses and
 * bodies, and the header only helps Klarna's support find a request, so no client may depend on it.
 */
export const missingCorrelationId: Flaw = (answer) => {
  const { 'Klarna-Correlation-Id': _dropped, ...headers } = answer.headers;
  return { ...answer, headers };
};
