import { describe, expect, it } from 'vitest';
import { RequestList } from '../../contracts/index.js';
import { ACCOUNT, AUTHORIZE_URL } from '../support/samples.js';
import { servedApp } from '../support/test-app.js';

const served = servedApp();

describe('the request journal', () => {
  it('redacts proxy credentials, cookies and secrets in the query string', async () => {
    const secrets = ['proxy-secret-1', 'cookie-secret-2', 'set-cookie-secret-3', 'query-secret-4', 'query-secret-5'];
    const query = `?Signature=${secrets[3]}&keep=visible&password=${secrets[4]}`;
    const response = await fetch(`${served.base}${AUTHORIZE_URL()}${query}`, {
      method: 'POST',
      headers: {
        authorization: 'Basic k',
        'content-type': 'application/json',
        'proxy-authorization': `Basic ${secrets[0]}`,
        cookie: `session=${secrets[1]}`,
        'set-cookie': `x=${secrets[2]}`,
      },
      body: JSON.stringify({ currency: 'USD', request_payment_transaction: { amount: 100 } }),
    });
    expect(response.status).toBe(200);

    const text = await (await fetch(`${served.base}/__mock/requests?account=${encodeURIComponent(ACCOUNT)}`)).text();
    const [entry] = RequestList.parse(JSON.parse(text)).requests;
    expect(entry?.path).toBe(`${AUTHORIZE_URL()}?Signature=[redacted]&keep=visible&password=[redacted]`);
    expect(entry?.headers).toMatchObject({
      authorization: '[redacted]',
      'proxy-authorization': '[redacted]',
      cookie: '[redacted]',
      'set-cookie': '[redacted]',
    });
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
