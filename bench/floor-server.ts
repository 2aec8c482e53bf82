import { hash, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { z } from 'zod';
import { AuthorizeHeaders, AuthorizeRequest, AuthorizeResponse, lineItemSumIssue } from '../contracts/index.js';
import { MockConfig } from '../mock-server/core/config.js';
import { parseFloorSkip } from './floor-parts.js';
import { HEADERS } from './request.js';

// The floor: the least work any simulator of this operation has to do per request, written for speed and for
// nothing else, so the bench can show how close to bare Fastify the issue's targets can get at all. Compared with
// the bare server it adds only what issue 5's targets require, each done the cheapest way we know:
//   validation   headers and body, by ajv validators compiled from the contracts' JSON Schema (code units, not code
//                points, as zod counts them; formats in ajv's fast mode), plus the line-item sum;
//   fingerprint  a hash of the body's bytes as received: a replay is found without parsing the body (which is why
//                the body arrives as text), and other bytes under a used key are refused without canonical forms;
//   record       the answer kept by account and key, at most the simulator's cap (the oldest go first, through a
//                ring of slots: O(1), no Map iteration, the answers off the heap), and replayed for a repeated key
//                after the headers' check;
//   answer       a fresh transaction id and expiry, the answer checked against its contract, then serialized.
// It does less than the simulator must: no scenarios, request journal, logging, correlation ids, header limits,
// Klarna error bodies, webhooks, customer tokens or age-based eviction; it checks credentials against one string.
//
// node --import tsx bench/floor-server.ts [--port N] [--max-stored N] [--skip validation,fingerprint,record]
// (--skip leaves parts out, to see what each one costs; without its fingerprint the floor replays any body.)

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'max-stored': { type: 'string' },
    skip: { type: 'string' },
  },
});
const skip = parseFloorSkip(values.skip);

// unicode: false counts code units, as zod does (ajv calls the option deprecated, and still obeys it).
const ajv = new Ajv({ strict: false, unicode: false, logger: false });
addFormats.default(ajv, { mode: 'fast' });
const compiled = (schema: z.ZodType, io: 'input' | 'output') =>
  ajv.compile(z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-7' }));
const validHeaders = compiled(AuthorizeHeaders, 'input');
const validBody = compiled(AuthorizeRequest, 'input');
const validAnswer = compiled(AuthorizeResponse, 'output');

const config = MockConfig.parse({});
const cap = values['max-stored'] === undefined ? config.maxStoredResponses : Number(values['max-stored']);
const TTL_MS = 28 * 24 * 60 * 60 * 1000;
const JSON_TYPE = 'application/json; charset=utf-8';
const INVALID = '{"error_type":"INPUT_ERROR","error_code":"VALIDATION_ERROR"}';

// The record, out of the collector's way: a key's sequence number in a Map, the rest in arrays and buffers allocated
// once (an answer, its body's hash and its time per slot of a ring), so a stored answer is one Map entry and one key
// string for the garbage collector, not five objects. (Measured: 51 µs of CPU per fresh authorize against 65 µs with
// an object per answer in the Map.)
const SLOT_BYTES = 1024;
const HASH_BYTES = 20;
const seqOf = new Map<string, number>();
const keys: (string | undefined)[] = new Array(cap);
const bodies = Buffer.alloc(cap * SLOT_BYTES);
const bodyLengths = new Uint16Array(cap);
const hashes = Buffer.alloc(cap * HASH_BYTES);
const createdAt = new Float64Array(cap);
let recorded = 0;

function record(key: string, answer: string, rawHash: Buffer | undefined, now: number): void {
  const seq = recorded++;
  const slot = seq % cap;
  const oldest = keys[slot];
  // The oldest key goes, unless it has been recorded again since (then its newer record is younger).
  if (oldest !== undefined && seqOf.get(oldest) === seq - cap) seqOf.delete(oldest);
  keys[slot] = key;
  seqOf.set(key, seq);
  bodyLengths[slot] = bodies.write(answer, slot * SLOT_BYTES, SLOT_BYTES, 'utf8');
  rawHash?.copy(hashes, slot * HASH_BYTES);
  createdAt[slot] = now;
}

type Body = z.infer<typeof AuthorizeRequest>;

const app = Fastify({ logger: false });
app.removeContentTypeParser('application/json');
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => done(null, text));
app.post<{ Params: { partner_account_id: string }; Body: string }>(
  '/v2/accounts/:partner_account_id/payment/authorize',
  (request, reply) => {
    const { headers } = request;
    const text = typeof request.body === 'string' ? request.body : '';
    if (headers.authorization !== HEADERS.authorization) return reply.code(401).type(JSON_TYPE).send(INVALID);
    if (!skip.has('validation') && !validHeaders(headers)) return reply.code(400).type(JSON_TYPE).send(INVALID);
    const now = Date.now();
    const key = `${request.params.partner_account_id}\n${headers['klarna-idempotency-key']}`;
    const rawHash = skip.has('fingerprint') ? undefined : hash('sha1', text, 'buffer');
    const seq = seqOf.get(key);
    const slot = seq === undefined ? -1 : seq % cap;
    // The same request again: its body passed validation the first time.
    if (slot >= 0 && now - (createdAt[slot] as number) < config.idempotencyWindowMs) {
      const at = slot * HASH_BYTES;
      if (rawHash !== undefined && rawHash.compare(hashes, at, at + HASH_BYTES) !== 0) {
        return reply.code(409).type(JSON_TYPE).send(INVALID);
      }
      const start = slot * SLOT_BYTES;
      const stored = bodies.subarray(start, start + (bodyLengths[slot] as number));
      return reply.code(200).type(JSON_TYPE).header('Idempotent-Replayed', 'true').send(stored);
    }
    let body: Body;
    try {
      body = JSON.parse(text);
    } catch {
      return reply.code(400).type(JSON_TYPE).send(INVALID);
    }
    // (The floor authorizes payments only: a request without a transaction is refused with the invalid ones.)
    if (
      !skip.has('validation') &&
      !(validBody(body) && body.request_payment_transaction !== undefined && !lineItemSumIssue(body))
    ) {
      return reply.code(400).type(JSON_TYPE).send(INVALID);
    }
    const transaction = body.request_payment_transaction;
    const answer = {
      payment_transaction_response: {
        result: 'APPROVED',
        payment_transaction: {
          payment_transaction_id: `krn:payment:eu1:transaction:${randomUUID()}`,
          payment_transaction_reference: transaction?.payment_transaction_reference,
          amount: transaction?.amount,
          currency: body.currency,
          payment_funding: { type: 'GUARANTEED', state: 'PENDING' },
          expires_at: new Date(now + TTL_MS).toISOString(),
        },
      },
    };
    if (!validAnswer(answer)) throw new Error('the floor rendered an answer its contract refuses');
    const answerText = JSON.stringify(answer);
    if (Buffer.byteLength(answerText) > SLOT_BYTES) throw new Error('an answer longer than the floor keeps');
    if (!skip.has('record')) record(key, answerText, rawHash, now);
    return reply.code(200).type(JSON_TYPE).send(answerText);
  },
);

const url = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
process.stdout.write(`floor listening on ${url}${skip.size > 0 ? ` (without ${[...skip].join(', ')})` : ''}\n`);
