import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KlarnaError } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { testApp } from '../support/test-app.js';

// The admin routes are checked by Fastify with the zod compilers (mock-server/http/checked-scope.ts): what those throw must
// answer as every other error does, in Klarna's shape.

let app: MockApp;
beforeEach(async () => {
  ({ app } = await testApp());
});
afterEach(() => app.close());

type Request = { method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: object };

/** A Klarna error body whose error_id is the response's Klarna-Correlation-Id, and no stack trace. */
function klarnaError(response: Awaited<ReturnType<MockApp['inject']>>) {
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(response.body).not.toMatch(/at .*\.(ts|js):\d+/);
  const body = KlarnaError.parse(response.json());
  expect(body.error_id).toBe(response.headers['klarna-correlation-id']);
  return body;
}

describe('a request part that breaks its schema', () => {
  it.each<[string, Request, { parameter: string; reason: string }[]]>([
    [
      'a body field of the wrong value',
      { method: 'POST', url: '/__mock/clock', payload: { account: 'a', advance_ms: -1 } },
      [{ parameter: 'advance_ms', reason: 'Too small: expected number to be >=0' }],
    ],
    [
      'a nested body field, and an unknown one',
      { method: 'POST', url: '/__mock/scenarios', payload: { name: 'decline', match: { nth: 0 }, extra: 1 } },
      [
        { parameter: 'match.nth', reason: 'Too small: expected number to be >=1' },
        { parameter: 'body', reason: 'Unrecognized key: "extra"' },
      ],
    ],
    [
      'no body where one is needed (read as no fields)',
      { method: 'POST', url: '/__mock/scenarios' },
      [{ parameter: 'body', reason: 'give either name or scenario' }],
    ],
    [
      'a path parameter',
      { method: 'POST', url: '/__mock/payment-requests/abc/explode' },
      [{ parameter: 'action', reason: 'Invalid option: expected one of "approve"|"decline"|"abort"' }],
    ],
    [
      'a path parameter over its bound',
      { method: 'POST', url: `/__mock/accounts/${'a'.repeat(256)}/reset` },
      [{ parameter: 'account', reason: 'Too big: expected string to have <=255 characters' }],
    ],
    [
      'two query parameters',
      { method: 'GET', url: '/__mock/requests?limit=0&offset=x' },
      [
        { parameter: 'limit', reason: 'Too small: expected number to be >=1' },
        { parameter: 'offset', reason: 'Invalid input: expected number, received NaN' },
      ],
    ],
    [
      'a missing query parameter',
      { method: 'DELETE', url: '/__mock/webhooks' },
      [{ parameter: 'account', reason: 'Invalid input: expected string, received undefined' }],
    ],
  ])('answers %s with the Klarna 400 naming its path', async (_what, request, violations) => {
    const response = await app.inject(request);
    expect(response.statusCode).toBe(400);
    expect(klarnaError(response)).toEqual({
      error_id: expect.any(String),
      error_type: 'INPUT_ERROR',
      error_code: 'VALIDATION_ERROR',
      error_message: 'One or more input parameters failed validation',
      validation_errors: violations,
    });
  });

  it('changes nothing: a refused clock move leaves the clock where it was', async () => {
    const before = (await app.inject({ method: 'GET', url: '/__mock/clock?account=a' })).json();
    await app.inject({ method: 'POST', url: '/__mock/clock', payload: { account: 'a', advance_ms: 'soon' } });
    expect((await app.inject({ method: 'GET', url: '/__mock/clock?account=a' })).json()).toEqual(before);
  });
});

describe('a response that breaks its schema', () => {
  it('answers a Klarna 500 naming the broken paths, not a stack', async () => {
    vi.spyOn(app.journal, 'report').mockReturnValue({ nonsense: true } as never);
    const response = await app.inject({ method: 'GET', url: '/__mock/report' });
    expect(response.statusCode).toBe(500);
    const body = klarnaError(response);
    expect(body).toMatchObject({ error_type: 'TECHNICAL_ERROR', error_code: 'INTERNAL_ERROR' });
    expect(body.error_message).toMatch(/\(response broke its contract at [a-z_]+(, [a-z_.[\]0-9]+)*\)$/);
  });

  it('still answers the routes beside it', async () => {
    vi.spyOn(app.journal, 'report').mockReturnValue({ nonsense: true } as never);
    await app.inject({ method: 'GET', url: '/__mock/report' });
    expect((await app.inject({ method: 'GET', url: '/__mock/health' })).json()).toEqual({
      status: 'ok',
      pid: expect.any(Number),
    });
  });
});
