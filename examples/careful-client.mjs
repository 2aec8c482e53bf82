#!/usr/bin/env node
// A careful Klarna client: one purchase, retried safely. `npm run certify -- node examples/careful-client.mjs`
// certifies it: it passes every rule.
//  - one Klarna-Idempotency-Key and one body for every attempt of the purchase, so a retry after a lost answer
//    gets the stored authorization back instead of making a second one;
//  - Retry-After honoured on a 429; growing waits between other retries;
//  - no retry of a 4xx other than 409 and 429: the same request would fail the same way;
//  - its own timeout per attempt (1 s), so a hung connection is given up and retried.
import { randomUUID } from 'node:crypto';

const { KLARNA_BASE_URL, KLARNA_ACCOUNT_ID, KLARNA_API_KEY } = process.env;
const url = `${KLARNA_BASE_URL}/v2/accounts/${encodeURIComponent(KLARNA_ACCOUNT_ID)}/payment/authorize`;
const body = JSON.stringify({ currency: 'EUR', request_payment_transaction: { amount: 2500 } });
const key = randomUUID();
const MAX_ATTEMPTS = 5;
const TIMEOUT_MS = 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** 200 ms, 400 ms, 800 ms … plus up to 100 ms of jitter, so many clients do not retry in step. */
const backoff = (attempt) => Math.min(200 * 2 ** (attempt - 1), 5000) + Math.random() * 100;

for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${KLARNA_API_KEY}`,
        'Content-Type': 'application/json',
        'Klarna-Idempotency-Key': key,
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    console.error(`attempt ${attempt}: ${error.cause?.code ?? error.name}; retrying`);
    await sleep(backoff(attempt));
    continue;
  }
  const answer = await response.json().catch(() => ({}));
  if (response.ok) {
    const result = answer.payment_transaction_response?.result;
    console.log(`attempt ${attempt}: ${result}`);
    process.exit(result === 'APPROVED' || result === 'STEP_UP_REQUIRED' ? 0 : 1);
  }
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    const wait = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : backoff(attempt);
    console.error(`attempt ${attempt}: 429; retrying in ${wait} ms`);
    await sleep(Math.max(wait, backoff(attempt)));
    continue;
  }
  if (response.status < 500 && response.status !== 409) {
    console.error(`attempt ${attempt}: ${response.status} ${answer.error_code}; not retried`);
    process.exit(1);
  }
  console.error(`attempt ${attempt}: ${response.status} ${answer.error_code ?? ''}; retrying`);
  await sleep(backoff(attempt));
}
console.error(`no answer after ${MAX_ATTEMPTS} attempts`);
process.exit(1);
