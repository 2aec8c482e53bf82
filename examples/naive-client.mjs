#!/usr/bin/env node
// A naive Klarna client, the kind certification exists to catch: `npm run certify -- node examples/naive-client.mjs`
// fails it. Every retry gets a new Klarna-Idempotency-Key (after a lost answer that is a second charge), comes at
// once, ignores Retry-After, and follows any failure, a 400 included. It has no timeout of its own.
import { randomUUID } from 'node:crypto';

const { KLARNA_BASE_URL, KLARNA_ACCOUNT_ID, KLARNA_API_KEY } = process.env;
const url = `${KLARNA_BASE_URL}/v2/accounts/${encodeURIComponent(KLARNA_ACCOUNT_ID)}/payment/authorize`;
const MAX_ATTEMPTS = 4;

for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${KLARNA_API_KEY}`,
        'Content-Type': 'application/json',
        'Klarna-Idempotency-Key': randomUUID(),
      },
      body: JSON.stringify({ currency: 'EUR', request_payment_transaction: { amount: 2500 } }),
    });
    const answer = await response.json();
    const result = answer.payment_transaction_response?.result;
    console.log(`attempt ${attempt}: ${response.status} ${result ?? answer.error_code}`);
    if (result === 'APPROVED' || result === 'STEP_UP_REQUIRED') process.exit(0);
  } catch (error) {
    console.error(`attempt ${attempt}: ${error.cause?.code ?? error.name}`);
  }
}
process.exit(1);
