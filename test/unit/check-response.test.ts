import { describe, expect, it } from 'vitest';
import { AuthorizeResponse } from '../../contracts/index.js';
import { serializeChecked } from '../../mock-server/core/check-response.js';
import { KlarnaHttpError } from '../../mock-server/core/error-catalogue.js';

describe('responses are checked against their contract before they leave', () => {
  it('serializes a body that satisfies the schema', () => {
    const body = { payment_transaction_response: { result: 'DECLINED' } };
    expect(serializeChecked(AuthorizeResponse, body)).toBe(JSON.stringify(body));
  });

  it('turns a body that breaks the schema into a 500 naming every broken path', () => {
    const broken = {
      payment_transaction_response: {
        result: 'MAYBE',
        payment_transaction: { payment_transaction_id: 'tx-1', amount: '100', currency: 'USD' },
      },
    };
    let thrown: unknown;
    try {
      serializeChecked(AuthorizeResponse, broken);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KlarnaHttpError);
    const error = thrown as KlarnaHttpError;
    expect([error.statusCode, error.errorType, error.errorCode]).toEqual([500, 'TECHNICAL_ERROR', 'INTERNAL_ERROR']);
    expect(error.message).toContain('payment_transaction_response.result');
    expect(error.message).toContain('payment_transaction_response.payment_transaction.payment_transaction_id');
    expect(error.message).toContain('payment_transaction_response.payment_transaction.amount');
  });
});

describe('the error catalogue', () => {
  it('lists every client error code among the journal finding codes, so a report can always be built', async () => {
    const { catalogue } = await import('../../mock-server/core/error-catalogue.js');
    const { FindingCode } = await import('../../contracts/index.js');
    const samples = Object.values(catalogue).map((make) =>
      make === catalogue.validation
        ? catalogue.validation([])
        : make === catalogue.idempotencyConflict
          ? catalogue.idempotencyConflict('x', ['Klarna-Customer-Token'])
          : (make as (...args: unknown[]) => KlarnaHttpError)('x', 'y', 'z'),
    );
    const clientErrors = samples.filter((e) => e.statusCode < 500);
    expect(clientErrors.length).toBeGreaterThan(0);
    for (const error of clientErrors) {
      expect(FindingCode.unwrap().options, error.errorCode).toContain(error.errorCode);
    }
  });
});
