import { describe, expect, it } from 'vitest';
import { ACCOUNT, AUTHORIZE_BODY, HEADERS } from '../../../bench/request.js';
import { validateAuthorize } from '../../../mock-server/core/authorize/validate-authorize.js';
import { DEFAULT_CURRENCIES } from '../../../mock-server/core/config.js';

// An object where a string belongs, one that cannot even be turned into a string (the fuzzer found
// `"return_url": {"toString": null}`, which once made zod's message callback throw and the request answer 500).
const settings = { currencies: [...DEFAULT_CURRENCIES], lineItemSumCheck: true, accountIds: 'krn' as const };

describe('an authorize body with an object no string can be made of', () => {
  it('is refused with a violation naming the field, not a 500', () => {
    const body = JSON.parse(
      JSON.stringify({
        ...AUTHORIZE_BODY,
        step_up_config: { customer_interaction_config: { method: 'HANDOVER', return_url: { toString: null } } },
      }),
    );
    const result = validateAuthorize({ partner_account_id: ACCOUNT }, HEADERS, body, settings);
    expect(result.ok).toBe(false);
    const parameters = result.ok ? [] : result.error.validationErrors?.map((violation) => violation.parameter);
    expect(parameters).toContain('step_up_config.customer_interaction_config.return_url');
  });
});
