import { hash, randomUUID } from 'node:crypto';
import { openSync, write, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { z } from 'zod';
import { closedBodyCheck, copyCheckedBody } from '../contracts/generated/authorize-checks.js';
import {
  AuthorizeHeaders,
  AuthorizeRequest,
  AuthorizeResponse,
  lineItemSumIssue,
  missingRequestIssue,
  type ValidationError,
} from '../contracts/index.js';
import { canonicalAuthorizeParts } from '../mock-server/core/authorize/canonical-body.js';
import { bodyViolations, headerViolations } from '../mock-server/core/authorize/validate-authorize.js';
import { MockConfig } from '../mock-server/core/config.js';
import { catalogue } from '../mock-server/core/error-catalogue.js';
import { tokenHashes, tokensDigest } from '../mock-server/core/idempotency.js';
import { klarnaErrorBody } from '../mock-server/http/error-handler.js';
import { parseFloorSkip } from './floor-parts.js';
import { HEADERS } from './request.js';

// The floor: the least work any simulator of this operation has to do per request, written for speed and for
// nothing else, so the bench can show how close to bare Fastify the issue's targets can get at all. Compared with
// the bare server it adds only what issue 5's targets require, and what issue 16 measures the simulator with
// (request logging on, written to a file, and the journal on), each done the cheapest way we know:
//   validation   headers and body, by ajv validators compiled from the contracts' JSON Schema (code units, not code
//                points, as zod counts them; formats in ajv's fast mode), plus the line-item sum;
//   fingerprint  a hash of the body's bytes as received: a replay is found without parsing the body (which is why
//                the body arrives as text);
//   canonical    the request's canonical fingerprint, which the idempotency rules compare (the same fields and values
//                under a used key replay, whatever their order and spacing; others conflict): a hash of the method,
//                account, token headers and the body in the simulator's own canonical form (the closed compiled
//                check's copy, in the contract's key order, written by JSON.stringify; any other body with its keys
//                sorted), made for every fresh request with a key and compared only when a used key comes with other
//                bytes (the bytes' hash covers the token headers too);
//   record       the answer kept by account and key, at most the simulator's cap (the oldest go first, through a
//                ring of slots: O(1), no Map iteration, the answers off the heap), and replayed for a repeated key
//                after the headers' check;
//   transactions the approval's payment transaction kept for the later operations (read, capture, refund): its
//                account, the answer that names it and the purchase data as JSON text, found by its uuid, in a ring
//                as the answers are, of as many slots as fit in the simulator's byte cap of its transaction store
//                (every transaction lives as long, so the oldest is also the first to expire);
//   answer       a fresh transaction id and expiry, the answer checked against its contract, then serialized;
//   log          a request id (sent as Klarna-Correlation-Id), and one JSON line per request with what the simulator's
//                line has (method, path, headers with the credentials redacted, status, time taken), gathered and
//                written to --log (else standard output) every 10 ms, asynchronously;
//   journal      what the simulator's journal keeps of a request (id, time, account, path, headers, body text,
//                status, key), encoded as text into one buffer allocated once, used as a ring; a
//                typed array holds where the last records are (GET /__floor/journal?last=N decodes them: not timed,
//                so not made fast).
// It does less than the simulator must: no scenarios, header limits, Klarna error bodies but the 400's, webhooks,
// customer tokens or session tokens' rules, and the answers go by count only; it checks credentials against one string.
//
// node --import tsx bench/floor-server.ts [--port N] [--max-stored N] [--log FILE]
//   [--skip validation,messages,fingerprint,canonical,record,transactions,log,journal]
// (--skip leaves parts out, to see what each one costs; without its fingerprint the floor replays any body, without
// the canonical one it refuses any other bytes under a used key.)

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'max-stored': { type: 'string' },
    log: { type: 'string' },
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
/** What the floor says of a valid request that asks for a customer token only. */
const PAYMENTS_ONLY = {
  parameter: 'request_payment_transaction',
  reason: 'the floor authorizes payments only: request_payment_transaction is required',
};

// The record, out of the collector's way: a key's sequence number in a Map, the rest in arrays and buffers allocated
// once (an answer, its body's hash and its time per slot of a ring), so a stored answer is one Map entry and one key
// string for the garbage collector, not five objects. (Measured: 51 µs of CPU per fresh authorize against 65 µs with
// an object per answer in the Map.)
/** Keys in a ring of `size` slots: each key's sequence number in a Map, its slot the number modulo the size. */
class SlotRing {
  private readonly seqOf = new Map<string, number>();
  private readonly keys: (string | undefined)[];
  private count = 0;

  constructor(readonly size: number) {
    this.keys = new Array(size);
  }

  /** The slot `key` was last put in, or -1. */
  slotOf(key: string): number {
    const seq = this.seqOf.get(key);
    return seq === undefined ? -1 : seq % this.size;
  }

  /** The oldest key's slot, now `key`'s. */
  put(key: string): number {
    const seq = this.count++;
    const slot = seq % this.size;
    const oldest = this.keys[slot];
    // The oldest key goes, unless it has been put again since (then its newer slot is younger).
    if (oldest !== undefined && this.seqOf.get(oldest) === seq - this.size) this.seqOf.delete(oldest);
    this.keys[slot] = key;
    this.seqOf.set(key, seq);
    return slot;
  }
}

const SLOT_BYTES = 1024;
const HASH_BYTES = 20;
const PRINT_BYTES = 32;
const answerSlots = new SlotRing(cap);
const bodies = Buffer.alloc(cap * SLOT_BYTES);
const bodyLengths = new Uint16Array(cap);
const hashes = Buffer.alloc(cap * HASH_BYTES);
const prints = Buffer.alloc(cap * PRINT_BYTES);
const createdAt = new Float64Array(cap);

function record(key: string, answer: string, rawHash: Buffer | undefined, print: Buffer | undefined, now: number) {
  const slot = answerSlots.put(key);
  bodyLengths[slot] = bodies.write(answer, slot * SLOT_BYTES, SLOT_BYTES, 'utf8');
  rawHash?.copy(hashes, slot * HASH_BYTES);
  print?.copy(prints, slot * PRINT_BYTES);
  createdAt[slot] = now;
}

// The transactions, kept the same way: a uuid's sequence number in a Map, the record as text in a ring of slots, as
// many as fit in the bytes the simulator's transaction store may hold (storeMaxBytes).
const TX_SLOT_BYTES = 2048;
const transactionSlots = new SlotRing(Math.max(1, Math.min(cap, Math.floor(config.storeMaxBytes / TX_SLOT_BYTES))));
const txTexts = Buffer.alloc(skip.has('transactions') ? 0 : transactionSlots.size * TX_SLOT_BYTES);
/** Where each slot's answer and purchase data end (its account ends at the first line break). */
const txAnswerEnds = new Uint16Array(transactionSlots.size);
const txEnds = new Uint16Array(transactionSlots.size);

/** Whether a transaction's text fits in a slot (checked before anything is kept of its request). */
const transactionFits = (account: string, answerBytes: number, purchaseData: string) =>
  Buffer.byteLength(account) + 1 + answerBytes + Buffer.byteLength(purchaseData) <= TX_SLOT_BYTES;

function keepTransaction(uuid: string, account: string, answer: string, purchaseData: string): void {
  const slot = transactionSlots.put(uuid);
  const start = slot * TX_SLOT_BYTES;
  const end = start + TX_SLOT_BYTES;
  let at = start + txTexts.write(account, start, end - start, 'utf8');
  at += txTexts.write('\n', at, end - at, 'latin1');
  at += txTexts.write(answer, at, end - at, 'utf8');
  txAnswerEnds[slot] = at - start;
  at += txTexts.write(purchaseData, at, end - at, 'utf8');
  txEnds[slot] = at - start;
}

/** A kept transaction by its uuid, decoded (the test's proof that it is kept: not timed, so not made fast). */
function keptTransaction(uuid: string): { account: string; answer: string; purchaseData: string } | undefined {
  const slot = transactionSlots.slotOf(uuid);
  if (slot < 0) return undefined;
  const start = slot * TX_SLOT_BYTES;
  const head = txTexts.toString('utf8', start, start + (txAnswerEnds[slot] as number));
  const cut = head.indexOf('\n');
  return {
    account: head.slice(0, cut),
    answer: head.slice(cut + 1),
    purchaseData: txTexts.toString('utf8', start + (txAnswerEnds[slot] as number), start + (txEnds[slot] as number)),
  };
}

// The log: lines gathered, then written together (what the simulator's batching does), to a file opened once.
const LOG_FLUSH_MS = 10;
const logFd = values.log === undefined ? 1 : openSync(values.log, 'w');
const logPrefix = `{"level":30,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
let logLines: string[] = [];
let logScheduled = false;
const flushLog = () => {
  logScheduled = false;
  const text = logLines.join('');
  logLines = [];
  write(logFd, text, () => {});
};
const REDACTED = '[redacted]';
function logLine(id: string, url: string, headers: Record<string, unknown>, status: number, startedAt: number) {
  const shown = { ...headers, authorization: REDACTED };
  const took = Math.round((performance.now() - startedAt) * 100) / 100;
  logLines.push(
    `${logPrefix},"time":${Date.now()},"reqId":"${id}","request":{"method":"POST","url":${JSON.stringify(url)},"headers":${JSON.stringify(shown)}},"statusCode":${status},"responseTime":${took},"msg":${JSON.stringify(`POST ${url} ${status}`)}}\n`,
  );
  if (!logScheduled) {
    logScheduled = true;
    setTimeout(flushLog, LOG_FLUSH_MS).unref();
  }
}

// The journal: records as text in one buffer (the simulator's default size), the last journalSize starts in a ring.
const journalText = Buffer.alloc(skip.has('journal') ? 0 : config.journalMaxBytes);
const MAX_RECORD_BYTES = 32 * 1024;
const recordStarts = new Float64Array(config.journalSize);
const recordLengths = new Uint32Array(config.journalSize);
let journalAt = 0;
let journaled = 0;
function journalRecord(id: string, account: string, url: string, headers: unknown, text: string, status: number) {
  const head = JSON.stringify([
    id,
    Date.now(),
    account,
    'POST',
    url,
    headers,
    status,
    (headers as Record<string, unknown>)['klarna-idempotency-key'],
  ]);
  if (journalAt + MAX_RECORD_BYTES > journalText.length) journalAt = 0;
  const slot = journaled++ % recordStarts.length;
  const start = journalAt;
  // A head holds no raw line break (JSON text), so the first one ends it.
  journalAt += journalText.write(`${head}\n`, journalAt, MAX_RECORD_BYTES / 2, 'utf8');
  journalAt += journalText.write(text, journalAt, MAX_RECORD_BYTES / 2, 'utf8');
  recordStarts[slot] = start;
  recordLengths[slot] = journalAt - start;
}

/** The last `count` records, newest first, decoded (the test's proof that the journal keeps what it should). */
function lastRecords(count: number): unknown[] {
  const records: unknown[] = [];
  for (let n = journaled - 1; n >= Math.max(0, journaled - count, journaled - recordStarts.length); n -= 1) {
    const slot = n % recordStarts.length;
    const start = recordStarts[slot] as number;
    const text = journalText.toString('utf8', start, start + (recordLengths[slot] as number));
    const cut = text.indexOf('\n');
    records.push({ head: JSON.parse(text.slice(0, cut)), body: text.slice(cut + 1) });
  }
  return records;
}

type Body = z.infer<typeof AuthorizeRequest>;

// A request id as the simulator makes one (a UUID), when it is logged; else Fastify's counter.
const app = Fastify({ logger: false, ...(!skip.has('log') && { genReqId: () => randomUUID() }) });
app.removeContentTypeParser('application/json');
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => done(null, text));
app.post<{ Params: { partner_account_id: string }; Body: string }>(
  '/v2/accounts/:partner_account_id/payment/authorize',
  (request, reply) => {
    const startedAt = performance.now();
    const { headers } = request;
    const text = typeof request.body === 'string' ? request.body : '';
    const account = request.params.partner_account_id;
    /** Every answer: its correlation id, its journal record and its log line, then the bytes. */
    const answer = (status: number, payload: string | Buffer) => {
      if (!skip.has('journal')) journalRecord(request.id, account, request.url, headers, text, status);
      if (!skip.has('log')) {
        reply.header('Klarna-Correlation-Id', request.id);
        logLine(request.id, request.url, headers, status, startedAt);
      }
      return reply.code(status).type(JSON_TYPE).send(payload);
    };
    /** The simulator's 400 listing `violations` (its catalogue, its checked body), or the short one without messages. */
    const refuse = (violations: () => ValidationError[]) =>
      answer(400, skip.has('messages') ? INVALID : klarnaErrorBody(catalogue.validation(violations()), request.id));
    if (headers.authorization !== HEADERS.authorization) return answer(401, INVALID);
    if (!skip.has('validation') && !validHeaders(headers)) {
      // Named as the simulator names them: Klarna-Idempotency-Key, not the lower case Node delivers.
      return refuse(() => {
        const parsed = AuthorizeHeaders.safeParse(headers);
        return parsed.success ? [] : headerViolations(parsed.error);
      });
    }
    const now = Date.now();
    // A request without a key is never replayed, so nothing of it is kept or looked up by key.
    const sentKey = headers['klarna-idempotency-key'];
    const key = typeof sentKey === 'string' ? `${account}\n${sentKey}` : undefined;
    // The token headers are part of the request a key stands for: the same bytes with other tokens conflict.
    const tokens = key === undefined ? '' : tokensDigest(tokenHashes(headers));
    const rawHash =
      key === undefined || skip.has('fingerprint')
        ? undefined
        : hash('sha1', tokens === '' ? text : `${tokens}\n${text}`, 'buffer');
    const slot = key === undefined ? -1 : answerSlots.slotOf(key);
    const used = slot >= 0 && now - (createdAt[slot] as number) < config.idempotencyWindowMs;
    const replay = () => {
      const start = slot * SLOT_BYTES;
      reply.header('Idempotent-Replayed', 'true');
      return answer(200, bodies.subarray(start, start + (bodyLengths[slot] as number)));
    };
    // The same bytes again: the body passed validation the first time.
    if (used) {
      const at = slot * HASH_BYTES;
      if (rawHash === undefined || rawHash.compare(hashes, at, at + HASH_BYTES) === 0) return replay();
      if (skip.has('canonical')) return answer(409, INVALID);
    }
    let body: Body;
    try {
      body = JSON.parse(text);
    } catch {
      return answer(400, INVALID);
    }
    // The closed compiled check (the contract, and no field it does not know) passes the common request, whose copy
    // is the canonical form's; the contract's own check decides for any other body.
    const closed = !skip.has('canonical') && closedBodyCheck(body);
    // (The floor authorizes payments only: a request without a transaction is refused with the invalid ones.)
    if (!skip.has('validation')) {
      const sumIssue = lineItemSumIssue(body);
      const valid = closed || validBody(body);
      if (!(valid && body.request_payment_transaction !== undefined && !sumIssue)) {
        return refuse(() => {
          // zod on the refused top-level fields only, as the simulator words a refused body.
          const violations: ValidationError[] = bodyViolations(body);
          const missing = !valid
            ? missingRequestIssue(body)
            : body.request_payment_transaction === undefined
              ? PAYMENTS_ONLY
              : undefined;
          for (const issue of [missing, sumIssue]) if (issue !== undefined) violations.push(issue);
          return violations;
        });
      }
    }
    const canonical =
      key === undefined || skip.has('canonical')
        ? undefined
        : canonicalAuthorizeParts(body, closed ? copyCheckedBody(body) : undefined);
    const print =
      canonical === undefined ? undefined : hash('sha256', `POST\n${account}\n${tokens}\n${canonical.text}`, 'buffer');
    // Other bytes under a used key: the same request (replayed) if they hold the same fields and values.
    if (used) {
      const at = slot * PRINT_BYTES;
      return print !== undefined && print.compare(prints, at, at + PRINT_BYTES) === 0 ? replay() : answer(409, INVALID);
    }
    const transaction = body.request_payment_transaction;
    const uuid = randomUUID();
    const approved = {
      payment_transaction_response: {
        result: 'APPROVED',
        payment_transaction: {
          payment_transaction_id: `krn:payment:eu1:transaction:${uuid}`,
          payment_transaction_reference: transaction?.payment_transaction_reference,
          amount: transaction?.amount,
          currency: body.currency,
          payment_funding: { type: 'GUARANTEED', state: 'PENDING' },
          expires_at: new Date(now + TTL_MS).toISOString(),
        },
      },
    };
    if (!validAnswer(approved)) throw new Error('the floor rendered an answer its contract refuses');
    const answerText = JSON.stringify(approved);
    const answerBytes = Buffer.byteLength(answerText);
    if (answerBytes > SLOT_BYTES) throw new Error('an answer longer than the floor keeps');
    const data = body.supplementary_purchase_data;
    const purchaseData = skip.has('transactions')
      ? ''
      : (canonical?.purchaseDataText ?? (data === undefined ? '' : JSON.stringify(data)));
    // (The bench's transactions always fit; a longer one is refused before anything of its request is kept.)
    if (!skip.has('transactions') && !transactionFits(account, answerBytes, purchaseData)) {
      throw new Error('a transaction longer than the floor keeps');
    }
    if (key !== undefined && !skip.has('record')) record(key, answerText, rawHash, print, now);
    if (!skip.has('transactions')) keepTransaction(uuid, account, answerText, purchaseData);
    return answer(200, answerText);
  },
);

app.get<{ Querystring: { last?: string } }>('/__floor/journal', (request, reply) =>
  reply.send(lastRecords(Number(request.query.last ?? 10))),
);
app.get<{ Params: { uuid: string } }>('/__floor/transactions/:uuid', (request, reply) => {
  const kept = keptTransaction(request.params.uuid);
  return kept === undefined ? reply.code(404).send({ error_code: 'RESOURCE_NOT_FOUND' }) : reply.send(kept);
});

// Without a top-level await, so that scripts/bundle.mjs can bundle it too (a script) for profiles.
app.listen({ port: Number(values.port), host: '127.0.0.1' }).then((url) => {
  process.on('SIGTERM', () =>
    app.close().then(() => {
      // The lines still gathered go out before the exit.
      writeSync(logFd, logLines.join(''));
      process.exit(0);
    }),
  );
  process.stdout.write(`floor listening on ${url}${skip.size > 0 ? ` (without ${[...skip].join(', ')})` : ''}\n`);
});
