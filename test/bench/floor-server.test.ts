import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, startServer } from '../../bench/child-server.js';
import { ACCOUNT, AUTHORIZE_BODY, AUTHORIZE_PATH, HEADERS, INVALID_BODY } from '../../bench/request.js';
import { AuthorizeResponse } from '../../contracts/index.js';

// The bench's floor server stands for the least work a simulator must do: its ratios are only evidence if it really
// does that work, so what it answers is checked here.

const FLOOR = new URL('../../bench/floor-server.ts', import.meta.url).pathname;
const start = (args: string[] = []) => startServer(process.execPath, ['--import', 'tsx', FLOOR, ...args]);

/** The same JSON value with the keys of every object in the opposite order. */
const reversed = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(reversed)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([key, inner]) => [key, reversed(inner)]),
        )
      : value;

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
    const invalid = await post('floor-3', INVALID_BODY);
    expect(invalid.status).toBe(400);
    // Worded by zod, each violation by its path, as the simulator's 400 says it.
    expect(await invalid.json()).toMatchObject({
      error_code: 'VALIDATION_ERROR',
      validation_errors: [{ parameter: 'request_payment_transaction.amount', reason: expect.stringMatching(/int/i) }],
    });
    const lineItems = AUTHORIZE_BODY.supplementary_purchase_data.line_items.map((item) => ({ ...item }));
    const unbalanced = { ...AUTHORIZE_BODY, supplementary_purchase_data: { line_items: lineItems.slice(1) } };
    const refused = await post('floor-4', unbalanced);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      validation_errors: [{ parameter: expect.stringMatching(/line_items/) }],
    });
    const bare = await post('floor-5', { currency: 'USD' });
    expect(bare.status).toBe(400);
    expect(await bare.json()).toMatchObject({ validation_errors: [{ parameter: 'request_payment_transaction' }] });
    // Invalid by the contract alone (the sum would pass): a lower-case currency, a key longer than 255.
    const noItems = { currency: 'usd', request_payment_transaction: AUTHORIZE_BODY.request_payment_transaction };
    expect((await post('floor-8', noItems)).status).toBe(400);
    expect((await post('floor-8', { ...noItems, currency: 'USD' })).status).toBe(200);
    const longKey = await post('k'.repeat(256), AUTHORIZE_BODY);
    expect(longKey.status).toBe(400);
    expect(await longKey.json()).toMatchObject({ validation_errors: [{ parameter: 'Klarna-Idempotency-Key' }] });
    const moved = { ...AUTHORIZE_BODY, currency: 'EUR' };
    await post('floor-6', AUTHORIZE_BODY);
    expect((await post('floor-6', moved)).status).toBe(409);
    expect((await post('floor-7', AUTHORIZE_BODY, { ...HEADERS, authorization: 'Basic other' })).status).toBe(401);
  });

  it('replays the same fields and values in another order and spacing under a used key (the canonical fingerprint)', async () => {
    const first = await post('floor-11', AUTHORIZE_BODY);
    const text = await first.text();
    const send = (key: string, body: unknown, headers: Record<string, string> = HEADERS) =>
      fetch(`${floor.url}${AUTHORIZE_PATH}`, {
        method: 'POST',
        headers: { ...headers, 'klarna-idempotency-key': key },
        body: JSON.stringify(body, null, 2),
      });
    const again = await send('floor-11', reversed(AUTHORIZE_BODY));
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(text);
    // Another value is another request, however it is written.
    const other = {
      ...AUTHORIZE_BODY,
      request_payment_transaction: {
        ...AUTHORIZE_BODY.request_payment_transaction,
        payment_transaction_reference: 'o',
      },
    };
    expect((await send('floor-11', reversed(other))).status).toBe(409);
    // A field the contract does not know: the canonical form has its keys sorted, and the same holds.
    const unknown = { ...AUTHORIZE_BODY, note: { b: 1, a: [2, { d: 3, c: 4 }] } };
    const kept = await (await post('floor-13', unknown)).text();
    const reordered = await send('floor-13', reversed(unknown));
    expect(reordered.headers.get('idempotent-replayed')).toBe('true');
    expect(await reordered.text()).toBe(kept);
    expect((await send('floor-13', reversed({ ...unknown, note: { b: 1, a: [2, { d: 3, c: 5 }] } }))).status).toBe(409);
  });

  it('refuses the same bytes under a used key with other token headers', async () => {
    const token = { ...HEADERS, 'klarna-network-session-token': 'a-session-token' };
    expect((await post('floor-14', AUTHORIZE_BODY)).status).toBe(200);
    expect((await post('floor-14', AUTHORIZE_BODY, token)).status).toBe(409);
    expect((await post('floor-15', AUTHORIZE_BODY, token)).status).toBe(200);
    expect((await post('floor-15', AUTHORIZE_BODY)).status).toBe(409);
    const again = await post('floor-15', AUTHORIZE_BODY, token);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers each request without a key afresh, whatever was sent before', async () => {
    const send = (body: unknown) =>
      fetch(`${floor.url}${AUTHORIZE_PATH}`, { method: 'POST', headers: HEADERS, body: JSON.stringify(body) });
    const answers = [
      await send(AUTHORIZE_BODY),
      await send(AUTHORIZE_BODY),
      await send({ ...AUTHORIZE_BODY, currency: 'EUR' }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers.map((answer) => answer.headers.get('idempotent-replayed'))).toEqual([null, null, null]);
    const texts = await Promise.all(answers.map((answer) => answer.text()));
    expect(new Set(texts).size).toBe(3);
  });

  it("keeps each approval's payment transaction for the later operations: account, answer and purchase data", async () => {
    const answer = await (await post('floor-12', AUTHORIZE_BODY)).text();
    const id = AuthorizeResponse.parse(JSON.parse(answer)).payment_transaction_response?.payment_transaction
      ?.payment_transaction_id as string;
    const uuid = id.slice(id.lastIndexOf(':') + 1);
    const kept = await (await fetch(`${floor.url}/__floor/transactions/${uuid}`)).json();
    expect(kept).toEqual({
      account: ACCOUNT,
      answer,
      purchaseData: expect.any(String),
    });
    expect(JSON.parse(kept.purchaseData)).toEqual(AUTHORIZE_BODY.supplementary_purchase_data);
    expect((await fetch(`${floor.url}/__floor/transactions/not-kept`)).status).toBe(404);
  });

  it('journals each request as received, with its account, headers, status and body text', async () => {
    const sent = { ...AUTHORIZE_BODY, currency: 'SEK' };
    await post('floor-9', sent);
    await post('floor-9', sent);
    await post('floor-10', { currency: 'USD' });
    const records = (await (await fetch(`${floor.url}/__floor/journal?last=3`)).json()) as {
      head: unknown[];
      body: string;
    }[];
    expect(records.map((record) => [record.head[2], record.head[6], record.head[7], record.body])).toEqual([
      [ACCOUNT, 400, 'floor-10', '{"currency":"USD"}'],
      [ACCOUNT, 200, 'floor-9', JSON.stringify(sent)],
      [ACCOUNT, 200, 'floor-9', JSON.stringify(sent)],
    ]);
    expect(records[0]?.head[5]).toMatchObject({ 'klarna-idempotency-key': 'floor-10' });
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

  it('logs one line a request to --log, as the simulator does: its id sent as Klarna-Correlation-Id, credentials redacted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'floor-log-'));
    const log = join(dir, 'floor.log');
    const logged = await start(['--log', log]);
    try {
      const send = (key: string, body: unknown) =>
        fetch(`${logged.url}${AUTHORIZE_PATH}`, {
          method: 'POST',
          headers: { ...HEADERS, 'klarna-idempotency-key': key },
          body: JSON.stringify(body),
        });
      const answers = [await send('l-1', AUTHORIZE_BODY), await send('l-1', AUTHORIZE_BODY), await send('l-2', {})];
      await logged.stop();
      const lines = readFileSync(log, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines.map((line) => line.statusCode)).toEqual([200, 200, 400]);
      expect(lines.map((line) => line.reqId)).toEqual(
        answers.map((answer) => answer.headers.get('klarna-correlation-id')),
      );
      expect(new Set(lines.map((line) => line.reqId)).size).toBe(3);
      for (const line of lines) {
        expect(line).toMatchObject({ level: 30, request: { method: 'POST', url: AUTHORIZE_PATH } });
        expect(line.request.headers).toMatchObject({
          authorization: '[redacted]',
          'klarna-idempotency-key': expect.any(String),
        });
        expect(line.msg).toBe(`POST ${AUTHORIZE_PATH} ${line.statusCode}`);
      }
    } finally {
      await logged.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a part it does not know in --skip', async () => {
    await expect(start(['--skip', 'webhooks'])).rejects.toThrow(
      /--skip webhooks: one of validation, messages, fingerprint, canonical, record, transactions, log, journal/,
    );
  });

  it('refuses other bytes under a used key without its canonical part, and keeps no transaction without that part', async () => {
    const lean = await start(['--skip', 'canonical,transactions']);
    try {
      const send = (body: string) =>
        fetch(`${lean.url}${AUTHORIZE_PATH}`, {
          method: 'POST',
          headers: { ...HEADERS, 'klarna-idempotency-key': 's-1' },
          body,
        });
      const answer = AuthorizeResponse.parse(await (await send(JSON.stringify(AUTHORIZE_BODY))).json());
      expect((await send(JSON.stringify(AUTHORIZE_BODY, null, 2))).status).toBe(409);
      const id = answer.payment_transaction_response?.payment_transaction?.payment_transaction_id as string;
      expect((await fetch(`${lean.url}/__floor/transactions/${id.slice(id.lastIndexOf(':') + 1)}`)).status).toBe(404);
    } finally {
      await lean.stop();
    }
  });

  it('answers a refusal without its messages under --skip messages (the floor before they were measured)', async () => {
    const short = await start(['--skip', 'messages']);
    try {
      const answer = await fetch(`${short.url}${AUTHORIZE_PATH}`, {
        method: 'POST',
        headers: { ...HEADERS, 'klarna-idempotency-key': 'm-1' },
        body: JSON.stringify(INVALID_BODY),
      });
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({ error_type: 'INPUT_ERROR', error_code: 'VALIDATION_ERROR' });
    } finally {
      await short.stop();
    }
  });
});
