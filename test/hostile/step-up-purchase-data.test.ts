import { afterEach, describe, expect, it } from 'vitest';
import { type BuiltServer, flood, startBuiltServer } from './built-server.js';
import {
  account,
  authorize,
  LINE_ITEMS_STEP_UP,
  paymentRequestOf,
  readPaymentRequest,
  UNDOCUMENTED_STEP_UP,
} from './hostile-traffic.js';

// Issue 13: step-ups kept their whole purchase data, parsed, in each payment request. 300k `{}` under an
// undocumented field killed the process on the 13th request; 15k documented line items (~1 MB) on the 226th (these
// bodies: the 262nd, on the build before the fix, sent one at a time). 300 takes 20-45 s on a busy 2-core machine.

let server: BuiltServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** Floods step-ups, then reads the payment requests of the last few and the journal. */
async function stepUpsThenReads(body: string, count: number, of: string) {
  if (server === undefined) throw new Error('no server');
  const { base } = server;
  const ids: string[] = [];
  const statuses = await flood(count, 4, async (i) => {
    const response = await authorize(base, of, body);
    const request = await paymentRequestOf(response.clone());
    if (request !== undefined) ids[i] = request.id;
    return response;
  });
  expect(Object.fromEntries(statuses)).toEqual({ 200: count });
  const last = ids.slice(-3);
  expect(last.length).toBeGreaterThan(0);
  for (const id of last) {
    const read = await readPaymentRequest(base, of, id);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { state: string }).state).toBe('SUBMITTED');
  }
  const journal = await fetch(`${base}/__mock/requests?account=${encodeURIComponent(of)}&limit=5`);
  expect(journal.status).toBe(200);
  expect(((await journal.json()) as { requests: unknown[] }).requests).toHaveLength(5);
}

describe('step-ups with big purchase data, with npm start heap', () => {
  it('survives 30 step-ups of 300k objects under an undocumented purchase field, and reads of them', async () => {
    server = await startBuiltServer();
    await stepUpsThenReads(UNDOCUMENTED_STEP_UP, 30, account('STEPUP1'));
    expect(server.alive()).toBe(true);
    expect((await fetch(`${server.base}/__mock/health`)).status).toBe(200);
  }, 60_000);

  it('survives 300 step-ups of 15k documented line items (~1 MB each), and reads of them', async () => {
    server = await startBuiltServer();
    await stepUpsThenReads(LINE_ITEMS_STEP_UP, 300, account('STEPUP2'));
    expect(server.alive()).toBe(true);
    expect((await fetch(`${server.base}/__mock/health`)).status).toBe(200);
  }, 120_000);
});
