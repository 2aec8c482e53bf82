#!/usr/bin/env node
// A careful Klarna client: one purchase, retried safely, and a webhook receiver that applies each event once and
// keeps the newest state. `npm run certify -- node examples/careful-client.mjs` certifies it: it passes every rule.
// The same purchase is `pay()`, which examples/certify-from-tests.test.ts certifies as a library call.
//  - one Klarna-Idempotency-Key and one body for every attempt of the purchase, so a retry after a lost answer
//    gets the stored authorization back instead of making a second one;
//  - Retry-After honoured on a 429; growing waits between other retries;
//  - no retry of a 4xx other than 409 and 429: the same request would fail the same way;
//  - a session token refused (expired, canceled, unknown) is dropped: a fresh authorization goes without it;
//  - its own timeout per attempt (1 s), so a hung connection is given up and retried;
//  - its receiver checks Klarna-Signature, applies an event_id once however often delivered, and ignores an event
//    older (occurred_at) than the state it holds.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const MAX_ATTEMPTS = 5;
const TIMEOUT_MS = 1000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** 200 ms, 400 ms, 800 ms … plus up to 100 ms of jitter, so many clients do not retry in step. */
const backoff = (attempt) => Math.min(200 * 2 ** (attempt - 1), 5000) + Math.random() * 100;

/** Tells certify something (its report URL); in production this is where the order would be updated. */
async function note(reportUrl, message) {
  await fetch(reportUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(10_000),
  });
}

/** The receiver of one purchase: it holds the purchase's state and the events it has applied. */
async function startReceiver(reportUrl, signingKey) {
  const applied = new Set();
  let held = { state: undefined, occurredAt: '' };

  function signedBy(raw, signature) {
    const expected = createHmac('sha256', signingKey ?? '')
      .update(raw)
      .digest();
    const given = Buffer.from(typeof signature === 'string' ? signature : '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async function receive(raw, signature) {
    if (!signedBy(raw, signature)) return 401;
    const { metadata, payload } = JSON.parse(raw.toString('utf8'));
    // Klarna retries until it hears 2xx, and may send an event twice: one event_id, one effect.
    if (applied.has(metadata.event_id)) return 200;
    applied.add(metadata.event_id);
    // Deliveries can arrive out of order: an event older than the state held changes nothing.
    if (metadata.occurred_at < held.occurredAt) return 200;
    held = { state: payload.state, occurredAt: metadata.occurred_at };
    // The effect is reported (saved) before the delivery is acknowledged, so an answered delivery is never lost.
    await note(reportUrl, { type: 'effect', event_id: metadata.event_id, state: payload.state });
    return 200;
  }

  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      receive(Buffer.concat(chunks), request.headers['klarna-signature']).then(
        (status) => response.writeHead(status).end(),
        () => response.writeHead(500).end(),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  await note(reportUrl, { type: 'receiver', url: `http://127.0.0.1:${server.address().port}/klarna/webhooks` });
  return server;
}

async function purchase({ baseUrl, accountId, apiKey, sessionToken, amount }) {
  const url = `${baseUrl}/v2/accounts/${encodeURIComponent(accountId)}/payment/authorize`;
  const body = JSON.stringify({ currency: 'EUR', request_payment_transaction: { amount } });
  let key = randomUUID();
  let token = sessionToken;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${apiKey}`,
          'Content-Type': 'application/json',
          'Klarna-Idempotency-Key': key,
          ...(token && { 'Klarna-Network-Session-Token': token }),
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
      return result === 'APPROVED' || result === 'STEP_UP_REQUIRED' ? 0 : 1;
    }
    const refusedToken = (answer.validation_errors ?? []).find((v) => v.parameter === 'Klarna-Network-Session-Token');
    if (response.status === 400 && token && refusedToken) {
      // The token is spent (expired after 60 minutes, canceled, unknown): never send it again. A fresh
      // authorization is a new request, under a new key.
      console.error(`attempt ${attempt}: session token ${refusedToken.reason}; a fresh authorization without it`);
      token = undefined;
      key = randomUUID();
      continue;
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
      return 1;
    }
    console.error(`attempt ${attempt}: ${response.status} ${answer.error_code ?? ''}; retrying`);
    await sleep(backoff(attempt));
  }
  console.error(`no answer after ${MAX_ATTEMPTS} attempts`);
  return 1;
}

/**
 * One purchase of `amount` cents of EUR, with its webhook receiver running while it goes when given a report URL
 * (certify's KLARNA_CERTIFY_REPORT_URL). Resolves to 0 when it ends approved (or waiting for the customer's
 * step-up), 1 when it does not.
 */
export async function pay({ baseUrl, accountId, apiKey, reportUrl, signingKey, sessionToken, amount = 2500 }) {
  const receiver = reportUrl ? await startReceiver(reportUrl, signingKey) : undefined;
  const code = await purchase({ baseUrl, accountId, apiKey, sessionToken, amount });
  if (receiver) {
    // certify answers once this purchase's webhooks have been delivered; then the receiver can go.
    await note(reportUrl, { type: 'done' });
    receiver.close();
  }
  return code;
}

// Run as a command (what certify's CLI does), it takes the case from its environment.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const { env } = process;
  const code = await pay({
    baseUrl: env.KLARNA_BASE_URL,
    accountId: env.KLARNA_ACCOUNT_ID,
    apiKey: env.KLARNA_API_KEY,
    reportUrl: env.KLARNA_CERTIFY_REPORT_URL,
    signingKey: env.KLARNA_WEBHOOK_SIGNING_KEY,
    sessionToken: env.KLARNA_SESSION_TOKEN,
  });
  process.exit(code);
}
