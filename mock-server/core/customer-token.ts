import type { CustomerToken } from '../../contracts/index.js';

// Made by the step-up's consent (payment requests) and by an approving authorize alike: its own module, so that
// payment-requests/ and the authorize rendering do not import each other.

/** A new customer token (reference §3.4): `krn:customer-token:<region>:<uuid>`, its reference echoed. */
export function newCustomerToken(
  scopes: CustomerToken['scopes'],
  reference: string | undefined,
  ids: { region: string; uuid: () => string },
): CustomerToken {
  return {
    customer_token: `krn:customer-token:${ids.region}:${ids.uuid()}`,
    ...(reference !== undefined && { customer_token_reference: reference }),
    scopes,
  };
}
