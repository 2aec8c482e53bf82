import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizeResponse } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { KlarnaAnswer, klarnaClient } from './klarna-client.js';
import { listening, testApp } from './test-app.js';

const PAYMENT = {
  currency: 'USD',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'r-1' },
};

let app: MockApp;
let base: string;
beforeAll(async () => {
  ({ app } = await testApp());
  base = await listening(app);
});
afterAll(() => app.close());

describe('the typed test client', () => {
  it('answers the same through app.inject() and over real HTTP', async () => {
    const injected = await klarnaClient(app).authorize(PAYMENT, { idempotencyKey: 'same-both-ways' });
    const served = await klarnaClient(() => base).authorize(PAYMENT, { idempotencyKey: 'same-both-ways' });
    expect(injected.ok().payment_transaction_response?.result).toBe('APPROVED');
    expect(served.ok()).toEqual(injected.ok());
    expect(served.headers.get('idempotent-replayed')).toBe('true');
  });

  it('returns the Klarna error of a refused request, and fails on another code than the one expected', async () => {
    const answer = await klarnaClient(app).authorize(PAYMENT, { apiKey: null });
    expect(answer.status).toBe(401);
    expect(answer.error('UNAUTHORIZED').error_type).toBe('ACCESS_ERROR');
    expect(() => answer.error('VALIDATION_ERROR')).toThrow(/answered UNAUTHORIZED, not VALIDATION_ERROR/);
    expect(() => answer.ok()).toThrow(/authorizePayment answered 401, not a success/);
  });

  it('names every path of a body that breaks the contract of its operation and status', () => {
    const broken = JSON.stringify({ payment_transaction_response: { result: 'MAYBE' }, payment_request: 7 });
    const answer = new KlarnaAnswer('authorizePayment', 200, new Headers(), broken, { 200: AuthorizeResponse });
    expect(() => answer.expectContract()).toThrow(/payment_transaction_response\.result: [^\n]+\n\s+payment_request: /);
  });

  it('fails on a status the operation does not document', () => {
    const answer = new KlarnaAnswer('readThing', 202, new Headers(), '{}', { 200: AuthorizeResponse });
    expect(() => answer.expectContract()).toThrow('readThing answered 202, which is not documented');
  });

  it('checks an empty answer against a documented empty body', async () => {
    const armed = (await klarnaClient(app).admin.arm({ name: 'declined' })).ok();
    const disarmed = await klarnaClient(app).admin.disarm(armed.id);
    expect(disarmed.status).toBe(204);
    expect(disarmed.expectContract().body).toBeUndefined();
  });
});
