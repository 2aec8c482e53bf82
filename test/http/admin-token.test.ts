import { describe, expect, it } from 'vitest';
import { AUTHORIZE_URL, loadSamples } from '../support/samples.js';
import { servedApp } from '../support/test-app.js';

const TOKEN = 'a-long-enough-admin-token';
const sample = loadSamples()['final-authorization'];

describe('the admin API with an admin token', () => {
  const served = servedApp({ config: { adminToken: TOKEN } });

  it.each([
    ['GET', '/__mock/health', undefined],
    ['GET', '/__mock/requests', undefined],
    ['GET', '/__mock/scenarios', undefined],
    ['POST', '/__mock/accounts/a/reset', undefined],
    ['POST', '/__mock/scenarios', { scenario: { name: 'x', error: 'INTERNAL_ERROR' } }],
    ['GET', '/__mock/webhooks?account=a', undefined],
    ['GET', '/__mock/clock?account=a', undefined],
    ['POST', '/__mock/payment-requests/x/approve', undefined],
  ])('answers %s %s without the token with 401 in Klarna’s error body', async (method, path, body) => {
    const response = await fetch(`${served.base}${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="klarna-mock admin"');
    expect(await response.json()).toEqual({
      error_id: response.headers.get('klarna-correlation-id'),
      error_type: 'ACCESS_ERROR',
      error_code: 'UNAUTHORIZED',
      error_message: 'The presented credentials failed authentication',
    });
  });

  it.each([
    ['a wrong token', `Bearer ${TOKEN}-not`],
    ['the token without its scheme', TOKEN],
    ['the token as Basic', `Basic ${TOKEN}`],
  ])('answers %s with 401', async (_name, authorization) => {
    const response = await fetch(`${served.base}/__mock/requests`, { headers: { authorization } });
    expect(response.status).toBe(401);
  });

  it('answers every admin route with the right token, on loopback too', async () => {
    const response = await fetch(`${served.base}/__mock/requests`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const health = await fetch(`${served.base}/__mock/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await health.json()).toEqual({ status: 'ok', pid: expect.any(Number) });
  });

  it('leaves the Klarna API, the docs and the hosted page alone', async () => {
    const authorize = await fetch(`${served.base}${AUTHORIZE_URL()}`, {
      method: 'POST',
      headers: { ...(sample?.headers as Record<string, string>), 'content-type': 'application/json' },
      body: JSON.stringify(sample?.body),
    });
    expect(authorize.status).toBe(200);
    expect((await fetch(`${served.base}/openapi.json`)).status).toBe(200);
    expect((await fetch(`${served.base}/pay/requests/none/start`)).status).toBe(404);
  });
});

describe('the admin API without an admin token', () => {
  const served = servedApp();

  it('needs no credentials on loopback', async () => {
    expect((await fetch(`${served.base}/__mock/requests`)).status).toBe(200);
  });
});
