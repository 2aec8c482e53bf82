import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../mock-server/index.js';
import { servedApp } from '../support/test-app.js';

// The webhook receiver of docs/guides/step-up-journey.md is examples/webhook-receiver.mjs (guide-examples.test.ts
// holds the guide's text to it). It runs here as the guide runs it, in plain Node, importing the compiled package
// (`npm run build` first), on a free port (PORT=0), and a simulator sends it the webhooks of a step-up.

const ROOT = join(import.meta.dirname, '../..');
const ACCOUNT = 'krn:partner:global:account:test:M48JWZF8';
const SIGNING_KEY = 'my-webhook-signing-key-0001';
const served = servedApp();
let receiver: ChildProcessByStdio<null, Readable, Readable>;
let receiverUrl: string;
let output = '';
const waiters = new Set<() => void>();

let exited: string | undefined;

/** Resolves once the receiver has printed a line matching `pattern`, with the match; no sleeping. */
function printed(pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = output.match(pattern);
      if (match === null && exited === undefined) return;
      waiters.delete(check);
      if (match === null) reject(new Error(`${exited} before printing ${pattern}:\n${output}`));
      else resolve(match);
    };
    waiters.add(check);
    check();
  });
}

beforeAll(async () => {
  receiver = spawn(process.execPath, [join(ROOT, 'examples/webhook-receiver.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [receiver.stdout, receiver.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const check of [...waiters]) check();
    });
  }
  // Without a build, say (the import of klarna-mock fails): the test fails at once with what it printed.
  receiver.on('exit', (code, signal) => {
    exited = `the receiver exited (${code ?? signal})`;
    for (const check of [...waiters]) check();
  });
  const [, url = ''] = await printed(/^webhook receiver on (http:\/\/127\.0\.0\.1:\d+)$/m);
  receiverUrl = url;
});
afterAll(() => {
  receiver?.kill();
});

async function authorize(body: object, headers: Record<string, string> = {}) {
  const response = await fetch(`${served.base}/v2/accounts/${encodeURIComponent(ACCOUNT)}/payment/authorize`, {
    method: 'POST',
    headers: {
      Authorization: 'Basic klarna_test_api_anything',
      'Content-Type': 'application/json',
      'Klarna-Idempotency-Key': crypto.randomUUID(),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { payment_request?: { payment_request_id: string } };
}

describe("the step-up guide's webhook receiver", () => {
  it('prints verified for each webhook of a step-up the simulator signs and sends it', async () => {
    const subscribed = await fetch(`${served.base}/__mock/webhooks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ account: ACCOUNT, url: `${receiverUrl}/klarna/webhooks`, signing_key: SIGNING_KEY }),
    });
    expect(subscribed.status).toBe(201);
    const initial = await authorize({
      currency: 'EUR',
      request_payment_transaction: { amount: 2500 },
      step_up_config: { customer_interaction_config: { method: 'HANDOVER', return_url: 'https://shop.example/back' } },
    });
    const id = initial.payment_request?.payment_request_id ?? '';
    expect(id).toMatch(/^krn:payment:eu1:request:/);
    const approved = await fetch(`${served.base}/__mock/payment-requests/${id}/approve`, { method: 'POST' });
    expect(approved.status).toBe(200);

    await printed(/^verified payment\.request\.state-change\.completed /m);
    expect(output.split('\n').filter((line) => line.startsWith('verified'))).toEqual([
      `verified payment.request.state-change.submitted ${id}`,
      `verified payment.request.state-change.completed ${id}`,
    ]);
  });

  it('answers 401 and prints BAD SIGNATURE for a body changed after it was signed', async () => {
    const envelope = {
      metadata: { event_type: 'payment.request.state-change.completed' },
      payload: { payment_request_id: 'krn:payment:eu1:request:tampered', state: 'DECLINED' },
    };
    const signature = signBody(JSON.stringify(envelope), SIGNING_KEY);
    const tampered = JSON.stringify({ ...envelope, payload: { ...envelope.payload, state: 'COMPLETED' } });
    const response = await fetch(`${receiverUrl}/klarna/webhooks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Klarna-Signature': signature },
      body: tampered,
    });
    expect(response.status).toBe(401);
    await printed(/^BAD SIGNATURE payment\.request\.state-change\.completed krn:payment:eu1:request:tampered$/m);
    expect(output).not.toMatch(/^verified .*tampered$/m);
  });
});
