import { describe, expect, it } from 'vitest';
import { CertificationState } from '../../contracts/index.js';
import { MAX_CERTIFICATION_BYTES } from '../../mock-server/http/pages/inspector/inspector-routes.js';
import { testApp } from '../support/test-app.js';

// The latest certification report, as certify hands it to the simulator for the request inspector.

const REPORT = {
  seed: 'klarna-mock',
  base_url: 'http://127.0.0.1:1',
  simulator: 'given',
  finished_at: '2026-12-05T08:00:00.000Z',
  passed: true,
  summary: '1 cases, 1 verdicts, 0 failed',
  cases: [
    {
      n: 1,
      id: 'hang',
      title: "hang past the client's timeout",
      account: 'krn:partner:global:account:test:CERT1',
      attempts: 2,
      client: 'exit 0',
      duration_ms: 1500,
      verdicts: [{ rule: 'backoff', passed: true, why: 'retries 1200 ms or more apart (minimum 100 ms)' }],
    },
  ],
};
const JSON_HEADERS = { 'content-type': 'application/json' };

describe('the certification report routes', () => {
  it('read null before any report, then the latest one handed in', async () => {
    const { app } = await testApp();
    const before = await app.inject({ method: 'GET', url: '/__mock/certification' });
    expect(before.json()).toEqual({ report: null });
    const put = await app.inject({
      method: 'PUT',
      url: '/__mock/certification',
      headers: JSON_HEADERS,
      payload: REPORT,
    });
    expect(put.statusCode).toBe(204);
    const after = await app.inject({ method: 'GET', url: '/__mock/certification' });
    expect(CertificationState.parse(after.json())).toEqual({ report: REPORT });
    await app.close();
  });

  it('refuses a report that breaks the contract with a Klarna-shaped 400 and keeps the one before', async () => {
    const { app } = await testApp();
    await app.inject({ method: 'PUT', url: '/__mock/certification', headers: JSON_HEADERS, payload: REPORT });
    const bad = await app.inject({
      method: 'PUT',
      url: '/__mock/certification',
      headers: JSON_HEADERS,
      payload: { ...REPORT, passed: 'yes', extra: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error_type: 'INPUT_ERROR',
      error_code: 'VALIDATION_ERROR',
      validation_errors: expect.arrayContaining([expect.objectContaining({ parameter: 'passed' })]),
    });
    expect((await app.inject({ method: 'GET', url: '/__mock/certification' })).json()).toEqual({ report: REPORT });
    await app.close();
  });

  it('refuses a report over its byte cap with 413 PAYLOAD_TOO_LARGE', async () => {
    const { app } = await testApp();
    const big = JSON.stringify({ ...REPORT, summary: 'x'.repeat(MAX_CERTIFICATION_BYTES) });
    const response = await app.inject({
      method: 'PUT',
      url: '/__mock/certification',
      headers: JSON_HEADERS,
      payload: big,
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error_code: 'PAYLOAD_TOO_LARGE' });
    await app.close();
  });

  it('needs the admin token when the simulator has one', async () => {
    const { app } = await testApp({ config: { adminToken: 'a-long-enough-admin-token' } });
    const put = await app.inject({
      method: 'PUT',
      url: '/__mock/certification',
      headers: JSON_HEADERS,
      payload: REPORT,
    });
    expect(put.statusCode).toBe(401);
    expect(put.json()).toMatchObject({ error_code: 'UNAUTHORIZED' });
    const get = await app.inject({
      method: 'GET',
      url: '/__mock/certification',
      headers: { authorization: 'Bearer a-long-enough-admin-token' },
    });
    expect(get.json()).toEqual({ report: null });
    await app.close();
  });
});
