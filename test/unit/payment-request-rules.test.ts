import { describe, expect, it } from 'vitest';
import { handoverReturnUrlIssue, lineItemsAgainst } from '../../contracts/index.js';

const REASON = 'customer interaction method HANDOVER must define return URLs: return_url is required';

describe('handoverReturnUrlIssue', () => {
  it.each([
    [
      'a HANDOVER without return_url at the top level',
      { customer_interaction_config: { method: 'HANDOVER' } },
      undefined,
      'customer_interaction_config.return_url',
    ],
    [
      'a HANDOVER with only an app_return_url',
      { customer_interaction_config: { method: 'HANDOVER', app_return_url: 'app://x' } },
      undefined,
      'customer_interaction_config.return_url',
    ],
    [
      'a HANDOVER without return_url in step_up_config',
      { step_up_config: { customer_interaction_config: { method: 'HANDOVER' } } },
      'step_up_config' as const,
      'step_up_config.customer_interaction_config.return_url',
    ],
  ])('names the return_url of %s', (_case, body, container, parameter) => {
    expect(handoverReturnUrlIssue(body, container)).toEqual({ parameter, reason: REASON });
  });

  it.each([
    [
      'a HANDOVER with a return_url',
      { customer_interaction_config: { method: 'HANDOVER', return_url: 'https://x.example' } },
      undefined,
    ],
    ['a QR_CODE with no return URLs', { customer_interaction_config: { method: 'QR_CODE' } }, undefined],
    ['an SDK with no return URLs', { customer_interaction_config: { method: 'SDK' } }, undefined],
    ['no method at all', { customer_interaction_config: {} }, undefined],
    ['no interaction config', { currency: 'USD' }, undefined],
    [
      'a top-level config when step_up_config is asked for',
      { customer_interaction_config: { method: 'HANDOVER' } },
      'step_up_config' as const,
    ],
    ['no object', 'HANDOVER', undefined],
  ])('has nothing to say about %s', (_case, body, container) => {
    expect(handoverReturnUrlIssue(body, container)).toBeUndefined();
  });
});

describe('lineItemsAgainst', () => {
  const items = (...totals: number[]) => ({ line_items: totals.map((total_amount) => ({ total_amount })) });

  it('names the amount it was given in the reason', () => {
    expect(lineItemsAgainst(11836, items(8000, 4336), 'amount')).toEqual({
      parameter: 'supplementary_purchase_data.line_items',
      reason: 'the sum of line_items[].total_amount (12336) must equal amount (11836)',
    });
  });

  it.each([
    ['a matching sum', 12336, items(8000, 4336)],
    ['no amount (a tokenization alone)', undefined, items(8000)],
    ['no line items', 100, {}],
    ['an empty list', 100, items()],
    ['a total that is no integer', 100, { line_items: [{ total_amount: '100' }] }],
  ])('passes %s', (_case, amount, purchase) => {
    expect(lineItemsAgainst(amount, purchase, 'amount')).toBeUndefined();
  });
});
