import type { AuthorizeRequest } from '../../../contracts/index.js';
import type { MockConfig } from '../config.js';
import { catalogue } from '../error-catalogue.js';
import { type IssuedToken, sessionTokenIssue } from '../idempotency.js';

/**
 * A final authorization's session token must still be good (not expired, canceled, used up or unknown, per
 * unknownSessionTokens), and ask for the amount and currency the customer approved. Throws the catalogue's error.
 */
export function checkSessionToken(
  request: { token: string | undefined; issued: IssuedToken | undefined; now: number; body: AuthorizeRequest },
  config: Pick<MockConfig, 'sessionTokenTtlMs' | 'unknownSessionTokens'>,
): void {
  const { token, issued, body } = request;
  if (token === undefined) return;
  const issue = sessionTokenIssue(issued, {
    now: request.now,
    ttlMs: config.sessionTokenTtlMs,
    unknown: config.unknownSessionTokens,
  });
  if (issue) throw catalogue.validation([{ parameter: 'Klarna-Network-Session-Token', reason: issue }]);
  // The customer approved an amount and a currency; the final authorization must ask for the same.
  if (
    issued?.currency !== undefined &&
    (issued.amount !== body.request_payment_transaction?.amount || issued.currency !== body.currency)
  ) {
    throw catalogue.sessionTokenMismatch(issued.amount, issued.currency);
  }
}
