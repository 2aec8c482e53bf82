import { validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CustomerInteractionConfig } from '../../contracts/index.js';
import type { PaymentRequestRecord } from '../../mock-server/core/payment-requests/payment-request-record.js';
import { fillReturnUrl } from '../../mock-server/core/payment-requests/return-url.js';

const record = {
  paymentRequestId: 'krn:payment:eu1:request:00000000-0000-4000-8000-000000000001',
  state: 'COMPLETED',
  reference: 'réf €',
  sessionToken: 'tok',
} as PaymentRequestRecord;

describe('the Location made from a return_url', () => {
  it('is a valid header value for every return_url the contract accepts', () => {
    const suffix = fc.string({ unit: 'binary', maxLength: 40 });
    const base = fc.oneof(
      fc.webUrl(),
      fc.constant('https://example.com/{klarna.payment_request.payment_request_reference}'),
    );
    fc.assert(
      fc.property(base, suffix, (url, tail) => {
        const returnUrl = `${url}${tail}`;
        fc.pre(CustomerInteractionConfig.safeParse({ return_url: returnUrl }).success);
        const location = fillReturnUrl(returnUrl, record);
        expect(() => validateHeaderValue('location', location)).not.toThrow();
        expect(location).toMatch(/^[\x21-\x7e]+$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps what is already encoded and encodes only what a header cannot carry', () => {
    expect(
      fillReturnUrl('https://example.com/a%20b/€?r={klarna.payment_request.payment_request_reference}', record),
    ).toBe('https://example.com/a%20b/%E2%82%AC?r=r%C3%A9f%20%E2%82%AC');
  });
});
