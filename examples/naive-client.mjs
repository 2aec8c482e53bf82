#!/usr/bin/env node
// A naive Klarna client, the kind certification exists to catch: `npm run certify -- node examples/naive-client.mjs`
// fails it. Every retry gets a new Klarna-Idempotency-Key (after a lost answer that is a second charge), comes at
// once, ignores Retry-After, and follows any failure, a 400 included, resending the session token it was given
// even after Klarna said it expired. It has no timeout of its own. Its webhook receiver applies every delivery as
// it comes: a duplicate twice, and an older state over a newer one when they arrive out of order.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const { KLARNA_BASE_URL, KLARNA_ACCOUNT_ID, KLARNA_API_KEY, KLARNA_CERTIFY_REPORT_URL, KLARNA_SESSION_TOKEN } =
  process.env;
const url = `${KLARNA_BASE_URL}/v2/accounts/${encodeURIComponent(KLARNA_ACCOUNT_ID)}/payment/authorize`;
const MAX_ATTEMPTS = 4;

const note = (message) =>
  fetch(KLARNA_CERTIFY_REPORT_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(message),
  });

let receiver;
if (KLARNA_CERTIFY_REPORT_URL) {
  receiver = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      const { metadata, payload } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      await note({ type: 'effect', event_id: metadata.event_id, state: payload.state });
      response.writeHead(200).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await note({ type: 'receiver', url: `http://127.0.0.1:${receiver.address().port}/webhooks` });
}

let code = 1;
for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${KLARNA_API_KEY}`,
        'Content-Type': 'application/json',
        'Klarna-Idempotency-Key': randomUUID(),
        ...(KLARNA_SESSION_TOKEN && { 'Klarna-Network-Session-Token': KLARNA_SESSION_TOKEN }),
      },
      body: JSON.stringify({ currency: 'EUR', request_payment_transaction: { amount: 2500 } }),
    });
    const answer = await response.json();
    const result = answer.payment_transaction_response?.result;
    console.log(`attempt ${attempt}: ${response.status} ${result ?? answer.error_code}`);
    if (result === 'APPROVED' || result === 'STEP_UP_REQUIRED') {
      code = 0;
      break;
    }
  } catch (error) {
    console.error(`attempt ${attempt}: ${error.cause?.code ?? error.name}`);
  }
}
if (receiver) {
  await note({ type: 'done' });
  receiver.close();
}
process.exit(code);
