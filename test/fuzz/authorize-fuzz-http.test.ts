import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { ACCOUNT, AUTHORIZE_URL } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';
import { type Answer, expectKlarnaAnswer } from './answer-check.js';
import {
  ACCOUNT_B,
  B_KEY,
  FUZZ_CONFIG,
  fuzzAccount,
  GOOD_BODY,
  GOOD_HEADERS,
  klarnaHeaders,
  RUNS,
  SEED,
  timeoutFor,
} from './fuzz-app.js';
import { contentType, headerValue, RESERVED_HEADERS } from './header-arbitraries.js';
import { armsScenario, fuzzValue, toJsonText } from './json-arbitraries.js';
import { exchange, parseAnswer } from './raw-exchange.js';
import { mutatedRequest } from './request-arbitraries.js';

// The smaller real-HTTP part of the fuzzing: raw bytes on a socket, so that header bytes Node's parser sees
// (UTF-8, control characters, duplicates, 20 KB lines) and bodies of any content reach the server as a client sends
// them. Every answer must be a contract-valid 200 or a Klarna 4xx, and nothing may hang.

let app: MockApp;
let base: string;
let recordedForB: string;

/** Framing headers stay ours (a forged Content-Length would desync the exchange); duplicates of the rest are fine. */
const FRAMING = new Set([...RESERVED_HEADERS].filter((name) => name !== 'content-type' && name !== 'mock-scenario'));

function request(path: string, headers: Array<[string, Buffer]>, body: Buffer): Buffer {
  const head = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${body.length}`, 'Connection: close'];
  const lines: Buffer[] = [Buffer.from(`${head.join('\r\n')}\r\n`, 'latin1')];
  for (const [name, value] of headers) lines.push(Buffer.from(`${name}: `, 'latin1'), value, Buffer.from('\r\n'));
  return Buffer.concat([...lines, Buffer.from('\r\n'), body]);
}

async function send(path: string, headers: Array<[string, Buffer]>, body: Buffer): Promise<Answer> {
  const raw = await exchange(base, request(path, headers, body));
  const answer = parseAnswer(raw);
  if (answer === undefined) throw new Error(`not an HTTP answer: ${JSON.stringify(raw.toString('latin1'))}`);
  return answer;
}

const latin1 = (headers: Record<string, string>): Array<[string, Buffer]> =>
  Object.entries(headers).map(([name, value]) => [name, Buffer.from(value, 'latin1')]);

beforeAll(async () => {
  ({ app } = await testApp({ config: FUZZ_CONFIG }));
  base = await listening(app);
  const answer = await send(
    AUTHORIZE_URL(ACCOUNT_B),
    latin1({ ...GOOD_HEADERS, 'klarna-idempotency-key': B_KEY }),
    Buffer.from(GOOD_BODY),
  );
  expect(answer.status).toBe(200);
  recordedForB = answer.body;
});
afterAll(() => app.close());

const headerBytes = fc.oneof(
  { arbitrary: headerValue.map((v) => Buffer.from(v, 'latin1')), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => Buffer.from(s, 'utf8')), weight: 2 },
  // Control characters and NUL: Node's parser rejects them, and the answer must still be Klarna's.
  {
    arbitrary: fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b.filter((x) => x !== 10 && x !== 13))),
    weight: 1,
  },
  // Near and past the header limits (Klarna: 6 KB a header, 20 KB all; Node: 16 KB).
  { arbitrary: fc.integer({ min: 4_000, max: 24_000 }).map((n) => Buffer.alloc(n, 'h')), weight: 1 },
);
const headerName = fc.oneof(
  fc.constantFrom(
    'authorization',
    'klarna-idempotency-key',
    'klarna-network-session-token',
    'klarna-customer-token',
    'partner-correlation-id',
    'content-type',
    'host',
    'x-custom',
  ),
  fc.string({ minLength: 1, maxLength: 20 }).filter((n) => !/[:\r\n]/.test(n) && !FRAMING.has(n.toLowerCase())),
);
const body = fc.oneof(
  fc.constant(Buffer.from(GOOD_BODY)),
  mutatedRequest.map((text) => Buffer.from(text)),
  fuzzValue.map((value) => Buffer.from(toJsonText(value))),
  fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
);

describe('the authorize route over real HTTP under fuzzing', () => {
  const runs = Math.max(50, Math.round(RUNS / 4));

  it(
    'answers arbitrary header bytes and bodies with a contract-valid 200 or a Klarna 4xx, and never hangs',
    async () => {
      const path = fc.oneof(
        { arbitrary: fc.constant(AUTHORIZE_URL()), weight: 4 },
        { arbitrary: fuzzAccount.map((account) => AUTHORIZE_URL(account)), weight: 1 },
      );
      const extra = fc.array(fc.tuple(headerName, headerBytes), { maxLength: 6 });
      await fc.assert(
        fc.asyncProperty(path, klarnaHeaders, contentType, extra, body, async (target, klarna, type, more, payload) => {
          fc.pre(!armsScenario(payload));
          const headers = [
            ...latin1({ ...klarna, ...(type === undefined ? {} : { 'content-type': type }) }),
            ...more.filter(([name]) => !FRAMING.has(name.toLowerCase())),
          ];
          const answer = await send(target, headers, payload);
          const input = `${target}\n${headers.map(([n, v]) => `${n}: ${v.toString('latin1').slice(0, 80)}`).join('\n')}`;
          expectKlarnaAnswer(answer, `${input}\n${payload.toString('latin1').slice(0, 300)}`);
        }),
        { numRuns: runs, ...SEED },
      );
    },
    timeoutFor(runs * 4),
  );

  // Node's HTTP server would answer a request without Host itself (requireHostHeader), in no Klarna shape.
  it('answers an HTTP/1.1 request without Host in Klarna shape', async () => {
    const payload = Buffer.from(GOOD_BODY);
    const head = `POST ${AUTHORIZE_URL()} HTTP/1.1\r\nAuthorization: Basic klarna_test_api_all\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n`;
    const answer = parseAnswer(await exchange(base, Buffer.concat([Buffer.from(head), payload])));
    expect(answer).toBeDefined();
    expectKlarnaAnswer(answer as Answer, 'no Host header');
  });

  it('still approves a known-good request and replays account B’s record byte for byte', async () => {
    const good = await send(
      AUTHORIZE_URL(ACCOUNT),
      latin1({ ...GOOD_HEADERS, 'klarna-idempotency-key': 'fuzz-http-after' }),
      Buffer.from(GOOD_BODY),
    );
    expect(good.status).toBe(200);
    const replay = await send(
      AUTHORIZE_URL(ACCOUNT_B),
      latin1({ ...GOOD_HEADERS, 'klarna-idempotency-key': B_KEY }),
      Buffer.from(GOOD_BODY),
    );
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toBe(recordedForB);
  });
});
