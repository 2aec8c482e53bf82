import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, startServer } from '../../bench/child-server.js';
import { AUTHORIZE_BODY, AUTHORIZE_PATH, HEADERS, INVALID_BODY } from '../../bench/request.js';
import { AuthorizeResponse } from '../../contracts/index.js';

// The bench's floor server stands for the least work a simulator must do: its ratios are only evidence if it really
// does that work, so what it answers is checked here.

const FLOOR = new URL('../../bench/floor-server.ts', import.meta.url).pathname;
const start = (args: string[] = []) => startServer(process.execPath, ['--import', 'tsx', FLOOR, ...args]);

describe('bench floor server', () => {
  let floor: ChildServer;
  beforeAll(async () => {
    floor = await start();
  });
  afterAll(() => floor.stop());

  const post = (key: string, body: unknown, headers: Record<string, string> = HEADERS) =>
    fetch(`${floor.url}${AUTHORIZE_PATH}`, {
      method: 'POST',
      headers: { ...headers, 'klarna-idempotency-key': key },
      body: JSON.stringify(body),
    });

  it('approves the bench request with a contract-valid answer, then replays it byte for byte', async () => {
    const first = await post('floor-1', AUTHORIZE_BODY);
    expect(first.status).toBe(200);
    const text = await first.text();
    expect(AuthorizeResponse.parse(JSON.parse(text)).payment_transaction_response?.result).toBe('APPROVED');
    const again = await post('floor-1', AUTHORIZE_BODY);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(text);
    const fresh = await post('floor-2', AUTHORIZE_BODY);
    expect(await fresh.text()).not.toBe(text);
  });

  it('refuses what the simulator refuses: an invalid body, other bytes under a used key, other credentials', async () => {
    expect((await post('floor-3', INVALID_BODY)).status).toBe(400);
    const lineItems = AUTHORIZE_BODY.supplementary_purchase_data.line_items.map((item) => ({ ...item }));
    const unbalanced = { ...AUTHORIZE_BODY, supplementary_purchase_data: { line_items: lineItems.slice(1) } };
    expect((await post('floor-4', unbalanced)).status).toBe(400);
    expect((await post('floor-5', { currency: 'USD' })).status).toBe(400);
    // Invalid by the contract alone (the sum would pass): a lower-case currency, a key longer than 255.
    const noItems = { currency: 'usd', request_payment_transaction: AUTHORIZE_BODY.request_payment_transaction };
    expect((await post('floor-8', noItems)).status).toBe(400);
    expect((await post('floor-8', { ...noItems, currency: 'USD' })).status).toBe(200);
    expect((await post('k'.repeat(256), AUTHORIZE_BODY)).status).toBe(400);
    const moved = { ...AUTHORIZE_BODY, currency: 'EUR' };
    await post('floor-6', AUTHORIZE_BODY);
    expect((await post('floor-6', moved)).status).toBe(409);
    expect((await post('floor-7', AUTHORIZE_BODY, { ...HEADERS, authorization: 'Basic other' })).status).toBe(401);
  });

  it('keeps at most --max-stored answers, forgetting the oldest first', async () => {
    const small = await start(['--max-stored', '2']);
    const send = (key: string, currency: string) =>
      fetch(`${small.url}${AUTHORIZE_PATH}`, {
        method: 'POST',
        headers: { ...HEADERS, 'klarna-idempotency-key': key },
        body: JSON.stringify({ ...AUTHORIZE_BODY, currency }),
      }).then((response) => response.status);
    try {
      for (const key of ['a', 'b', 'c']) expect(await send(key, 'USD')).toBe(200);
      // 'a' was forgotten (other bytes are a fresh request); 'c' is still kept (other bytes conflict).
      expect(await send('a', 'EUR')).toBe(200);
      expect(await send('c', 'EUR')).toBe(409);
    } finally {
      await small.stop();
    }
  });

  it('refuses a part it does not know in --skip', async () => {
    await expect(start(['--skip', 'journal'])).rejects.toThrow(
      /--skip journal: one of validation, fingerprint, record/,
    );
  });
});
