import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltServer, startBuiltServer } from './built-server.js';
import { account, authorize, authorizeWithSecrets, PROTO_BODY, SECRETS, stepUpWithHost } from './hostile-traffic.js';

// Issue 13: what a request carries beside its body. A Host with a user-info part pointed payment_request_url at
// another site; Proxy-Authorization, Cookie and ?token= secrets were kept in the journal as sent; a __proto__ key
// went unnamed. (HOST=0.0.0.0 without --admin-token refusing the start with exit code 2 is in test/cli.test.ts.)

let server: BuiltServer;
beforeAll(async () => {
  server = await startBuiltServer();
});
afterAll(() => server.stop());

async function stillServing() {
  expect(server.alive()).toBe(true);
  expect((await fetch(`${server.base}/__mock/health`)).status).toBe(200);
}

describe('request headers and keys, with npm start heap', () => {
  it('does not point payment_request_url at evil.example for Host 127.0.0.1:4801@evil.example', async () => {
    const answer = await stepUpWithHost(server.base, account('HOST'), '127.0.0.1:4801@evil.example');
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    const url = /"payment_request_url":"([^"]+)"/.exec(answer)?.[1];
    expect(url).toMatch(new RegExp(`^${server.base}/pay/requests/`));
    expect(answer).not.toContain('evil.example');
    await stillServing();
  });

  it('redacts Proxy-Authorization, Cookie and ?token= in the journal', async () => {
    const of = account('SECRETS');
    expect((await authorizeWithSecrets(server.base, of)).status).toBe(200);
    const journal = await fetch(`${server.base}/__mock/requests?account=${encodeURIComponent(of)}`);
    expect(journal.status).toBe(200);
    const text = await journal.text();
    const entry = (JSON.parse(text) as { requests: { path: string; headers: Record<string, string> }[] }).requests[0];
    expect(entry?.path).toMatch(/\?token=\[redacted\]&keep=visible$/);
    expect(entry?.headers).toMatchObject({ 'proxy-authorization': '[redacted]', cookie: '[redacted]' });
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    await stillServing();
  });

  it('refuses a body with __proto__ as a VALIDATION_ERROR naming it', async () => {
    const response = await authorize(server.base, account('PROTO'), PROTO_BODY);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error_code: 'VALIDATION_ERROR',
      validation_errors: [{ parameter: '__proto__', reason: 'a key named __proto__ is refused' }],
    });
    await stillServing();
  });
});
