import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KlarnaError } from '../../contracts/index.js';
import type { BuildAppOptions, MockApp } from '../../mock-server/app/build-app.js';
import { klarnaClient } from '../support/klarna-client.js';
import { rawPost } from '../support/raw-post.js';
import { AUTHORIZE_URL } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

const BODY = { currency: 'USD', request_payment_transaction: { amount: 100 } };
let app: MockApp;
let base: string;
const start = async (options: BuildAppOptions = {}) => {
  ({ app } = await testApp(options));
  base = await listening(app);
};
afterEach(() => app.close());

const client = klarnaClient(() => base);

describe("Klarna's request limits", () => {
  it('answers one header over 6 KB with 431 HEADERS_TOO_LARGE naming it', async () => {
    await start();
    const answer = await client.authorize(JSON.stringify(BODY), {
      apiKey: 'k',
      headers: { 'x-trace': 'a'.repeat(6 * 1024) },
    });
    expect(answer.status).toBe(431);
    expect(answer.error().error_message).toMatch(/^x-trace too large/);
  });

  it('answers headers over 20 KB together with 431', async () => {
    await start();
    const four = Object.fromEntries([1, 2, 3, 4].map((i) => [`x-part-${i}`, 'a'.repeat(5 * 1024 + 100)]));
    const answer = await client.authorize(JSON.stringify(BODY), { apiKey: 'k', headers: four });
    expect(answer.status).toBe(431);
    expect(answer.error().error_message).toMatch(/^all headers together too large/);
  });

  it('leaves a long session token (up to 8192 characters) to validation', async () => {
    await start();
    expect(
      (
        await client.authorize(JSON.stringify(BODY), {
          apiKey: 'k',
          headers: { 'klarna-network-session-token': 't'.repeat(8000) },
        })
      ).status,
    ).toBe(200);
  });

  it('rejects a body nested deeper than 64 levels with VALIDATION_ERROR, however deep', async () => {
    await start();
    for (const depth of [65, 10_000, 200_000]) {
      const deep = `{"currency":"USD","request_payment_transaction":{"amount":1},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const answer = await client.authorize(deep, { apiKey: 'k' });
      expect(answer.status).toBe(400);
      expect(answer.error().validation_errors).toEqual([{ parameter: 'body', reason: 'nested deeper than 64 levels' }]);
    }
  });

  it('keeps the journal readable after a deep body it kept as text', async () => {
    await start();
    // 16,000 brackets: under the journal's 16 KB, so the text is kept; reading it must not walk the nesting.
    const deep = `${'['.repeat(8000)}${']'.repeat(8000)}`;
    expect((await client.authorize(deep, { apiKey: 'k' })).status).toBe(400);
    const journal = await client.admin.requests();
    expect(journal.status).toBe(200);
    const [entry] = (journal.body as { requests: Array<{ body: unknown }> }).requests;
    expect(entry?.body).toBe(deep);
  });

  it('applies the 6 KB limit to a header sent on several lines, as Node joins them', async () => {
    await start();
    const half = 'a'.repeat(4000);
    // rawPost writes one line per entry: the value carries the second X-Big line.
    const answer = await rawPost(
      base,
      AUTHORIZE_URL(),
      { authorization: 'Basic k', 'X-Big': `${half}\r\nX-Big: ${half}` },
      BODY,
    );
    expect(answer.text).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer.text).toContain('x-big too large');
  });

  it('counts every header line toward the 20 KB, also repeats Node keeps only one of', async () => {
    await start();
    const agent = 'a'.repeat(5500);
    // Four User-Agent lines: Node keeps the first, but all 22 KB were sent.
    const lines = `${agent}\r\nUser-Agent: ${agent}\r\nUser-Agent: ${agent}\r\nUser-Agent: ${agent}`;
    const answer = await rawPost(base, AUTHORIZE_URL(), { authorization: 'Basic k', 'User-Agent': lines }, BODY);
    expect(answer.text).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer.text).toContain('all headers together too large');
  });

  it('accepts brackets inside strings and reasonable nesting', async () => {
    await start();
    const nested = `{"currency":"USD","request_payment_transaction":{"amount":1},"x":${'['.repeat(60)}"[[[[{{{{"${']'.repeat(60)}}`;
    expect((await client.authorize(nested, { apiKey: 'k' })).status).toBe(200);
  });

  it('closes a connection whose headers never finish (slow-loris), and keeps serving', async () => {
    await start({ config: { headersTimeoutMs: 300 } });
    const { port } = new URL(base);
    const closed = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST / HTTP/1.1\r\nHost: x\r\nX-Slow: '));
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text));
    });
    expect(closed.startsWith('HTTP/1.1 408')).toBe(true);
    expect(KlarnaError.parse(JSON.parse(closed.slice(closed.indexOf('\r\n\r\n') + 4))).error_code).toBe(
      'REQUEST_TIMEOUT',
    );
    expect((await client.authorize(JSON.stringify(BODY), { apiKey: 'k' })).status).toBe(200);
  });
});
