import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltServer, startBuiltServer } from './built-server.js';
import { account, approveOnPage, authorize, paymentRequestOf, stepUpBody } from './hostile-traffic.js';

// Issue 13: a return_url with a character outside ASCII, a NUL or a lone surrogate made the hosted page's Approve
// answer 500 (Node refuses such a Location header); javascript:, data: and file: URLs were accepted.

const OF = account('RETURNS');
let server: BuiltServer;
beforeAll(async () => {
  server = await startBuiltServer();
});
afterAll(() => server.stop());

describe('return_url, with npm start heap', () => {
  it.each([
    ['a euro sign', 'https://example.com/€', 'https://example.com/%E2%82%AC'],
    ['a NUL', 'https://example.com/a\u0000b', 'https://example.com/a%00b'],
    ['a lone surrogate', 'https://example.com/a\ud800b', 'https://example.com/a%EF%BF%BDb'],
  ])('with %s sends the browser on from Approve with a 303 and an encoded Location', async (_what, url, location) => {
    const response = await authorize(server.base, OF, JSON.stringify(stepUpBody(100, {}, url)));
    expect(response.status).toBe(200);
    const request = await paymentRequestOf(response);
    const approved = await approveOnPage(server.base, String(request?.id));
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe(location);
    expect(server.alive()).toBe(true);
    expect((await fetch(`${server.base}/__mock/health`)).status).toBe(200);
  });

  it.each(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd'])(
    '%s is refused with 400 naming return_url',
    async (url) => {
      const response = await authorize(server.base, OF, JSON.stringify(stepUpBody(100, {}, url)));
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error_code: 'VALIDATION_ERROR',
        validation_errors: [{ parameter: 'step_up_config.customer_interaction_config.return_url' }],
      });
      expect(server.alive()).toBe(true);
      expect((await fetch(`${server.base}/__mock/health`)).status).toBe(200);
    },
  );
});
