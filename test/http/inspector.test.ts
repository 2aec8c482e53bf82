import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JournalAccounts } from '../../contracts/index.js';
import { MAX_EVENT_STREAMS } from '../../mock-server/http/pages/inspector/inspector-routes.js';
import { INSPECTOR_SCRIPT } from '../../mock-server/http/pages/inspector/inspector-script.js';
import { openStream } from '../support/event-stream.js';
import { klarnaClient } from '../support/klarna-client.js';
import { loadSamples } from '../support/samples.js';
import { servedApp, testApp } from '../support/test-app.js';

const FINAL = loadSamples()['final-authorization']?.body;
const TOKEN = 'a-long-enough-admin-token';

describe('the request inspector page', () => {
  it('is one self-contained HTML page whose CSP allows only its own inline script and style', async () => {
    const { app } = await testApp();
    const response = await app.inject({ method: 'GET', url: '/__mock/ui' });
    await app.close();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    const scriptHash = createHash('sha256').update(INSPECTOR_SCRIPT).digest('base64');
    expect(csp).toContain(`script-src 'sha256-${scriptHash}'`);
    expect(response.body).toContain(`<script>${INSPECTOR_SCRIPT}</script>`);
    expect(response.body).not.toMatch(/\b(src|href)="(?!data:)/);
    expect(response.body).not.toMatch(/https?:\/\//);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('escapes the account it is opened for', async () => {
    const { app } = await testApp();
    const hostile = '"><script>alert(1)</script>';
    const response = await app.inject({ method: 'GET', url: '/__mock/ui', query: { account: hostile } });
    await app.close();
    expect(response.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(response.body).not.toContain('<script>alert(1)');
  });

  it('lists the accounts of the journal, the most recently seen first', async () => {
    const { app } = await testApp();
    for (const account of ['krn:a', 'krn:b']) await klarnaClient(app).authorize(FINAL, { account });
    const response = await app.inject({ method: 'GET', url: '/__mock/ui/accounts' });
    await app.close();
    expect(JournalAccounts.parse(response.json())).toEqual({ accounts: ['krn:b', 'krn:a'] });
  });
});

describe('the request inspector’s event stream', () => {
  const served = servedApp();

  it('sends `ready`, then a `request` event naming each new journal record of its account only', async () => {
    const account = 'krn:partner:global:account:test:EVENTS1';
    const stream = await openStream(`${served.base}/__mock/ui/events?account=${encodeURIComponent(account)}`);
    try {
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      await stream.until(/event: ready\n/);
      const client = klarnaClient(served.base);
      await client.authorize(FINAL, { account: 'krn:someone-else' });
      const answer = await client.authorize(FINAL, { account });
      const match = await stream.until(/event: request\nid: (\d+)\ndata: (.*)\n\n/);
      expect(JSON.parse(match[2] as string)).toEqual({
        seq: Number(match[1]),
        id: answer.headers.get('klarna-correlation-id'),
        account,
      });
    } finally {
      stream.close();
    }
  });

  it(`holds at most ${MAX_EVENT_STREAMS} streams, refuses one more with 503 and Retry-After, and frees a closed one`, async () => {
    const streams = [];
    for (let i = 0; i < MAX_EVENT_STREAMS; i += 1) {
      const stream = await openStream(`${served.base}/__mock/ui/events?account=krn:cap`);
      await stream.until(/event: ready\n/);
      streams.push(stream);
    }
    const refused = await fetch(`${served.base}/__mock/ui/events?account=krn:cap`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await refused.json()).error_code).toBe('TEMPORARY_UNAVAILABLE');

    for (const stream of streams) stream.close();
    // The server hears each close a moment later: one stream more is taken again within a bound, not a sleep.
    let reopened: Awaited<ReturnType<typeof openStream>> | undefined;
    for (let attempt = 0; attempt < 100 && reopened === undefined; attempt += 1) {
      const stream = await openStream(`${served.base}/__mock/ui/events?account=krn:cap`);
      if (stream.status === 200) reopened = stream;
      else stream.close();
      if (reopened === undefined) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(reopened?.status).toBe(200);
    reopened?.close();
  });

  it('ends open streams when the app closes, so close() does not wait on them', async () => {
    const { app } = await testApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const stream = await openStream(`http://127.0.0.1:${port}/__mock/ui/events`);
    await stream.until(/event: ready\n/);
    await app.close();
    await expect(stream.until(/never/)).rejects.toThrow(/stream ended/);
  });
});

describe('the request inspector with an admin token', () => {
  const served = servedApp({ config: { adminToken: TOKEN } });

  it('opens the page with the token as ?token= or the header, and refuses it without', async () => {
    expect((await fetch(`${served.base}/__mock/ui`)).status).toBe(401);
    expect((await fetch(`${served.base}/__mock/ui?token=${TOKEN}-not`)).status).toBe(401);
    expect((await fetch(`${served.base}/__mock/ui?token=${TOKEN}`)).status).toBe(200);
    const withHeader = await fetch(`${served.base}/__mock/ui`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withHeader.status).toBe(200);
  });

  it('takes the token in the query nowhere else: events and reads need the header', async () => {
    for (const path of ['/__mock/ui/events', '/__mock/ui/accounts', '/__mock/requests']) {
      expect((await fetch(`${served.base}${path}?token=${TOKEN}`)).status).toBe(401);
    }
    const stream = await openStream(`${served.base}/__mock/ui/events`, { authorization: `Bearer ${TOKEN}` });
    try {
      expect(stream.status).toBe(200);
      await stream.until(/event: ready\n/);
    } finally {
      stream.close();
    }
  });
});
