import { hash, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { z } from 'zod';
import { AuthorizeHeaders, AuthorizeRequest, AuthorizeResponse } from '../contracts/index.js';
import { MockConfig } from '../mock-server/config.js';
import { HEADERS } from './request.js';

// The floor: the least work any simulator of this operation has to do per request, written for speed and for
// nothing else, so the bench can show how close to bare Fastify the issue's targets can get at all. Compared with
// the bare server it adds only what issue 5's authorize target requires:
//   validation   headers and body, by ajv validators compiled from the contracts' JSON Schema (the fastest check
//                Fastify itself knows), plus the line-item sum;
//   fingerprint  a hash of the body, to compare a reused key's request with the first one;
//   record       the answer kept by account and key, at most the simulator's cap (the oldest go first), replayed
//                for a repeated key (after the headers' check: the body passed the first time);
//   answer       a fresh transaction id and expiry, the answer checked against the contract, then serialized.
// It has no scenarios, request journal, logging, correlation ids, header limits, Klarna error bodies or webhooks.
//
// node --import tsx bench/floor-server.ts [--port N] [--skip validation,fingerprint,record]
// (--skip leaves parts out, to see what each one costs.)

const PARTS = ['validation', 'fingerprint', 'record'] as const;
const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, skip: { type: 'string' } } });
const skip = new Set((values.skip ?? '').split(',').filter(Boolean));
for (const part of skip) {
  if (!(PARTS as readonly string[]).includes(part)) throw new Error(`--skip ${part}: one of ${PARTS.join(', ')}`);
}

const ajv = new Ajv({ strict: false });
addFormats.default(ajv);
const compiled = (schema: z.ZodType, io: 'input' | 'output') =>
  ajv.compile(z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-7' }));
const validHeaders = compiled(AuthorizeHeaders, 'input');
const validBody = compiled(AuthorizeRequest, 'input');
const validAnswer = compiled(AuthorizeResponse, 'output');

const config = MockConfig.parse({});
const TTL_MS = 28 * 24 * 60 * 60 * 1000;
const JSON_TYPE = 'application/json; charset=utf-8';
const INVALID = '{"error_type":"INPUT_ERROR","error_code":"VALIDATION_ERROR"}';

interface Kept {
  status: number;
  body: string;
  fingerprint: string | undefined;
  createdAt: number;
}
const answers = new Map<string, Kept>();

type Body = z.infer<typeof AuthorizeRequest>;

const app = Fastify({ logger: false });
app.post<{ Params: { partner_account_id: string }; Body: Body }>(
  '/v2/accounts/:partner_account_id/payment/authorize',
  (request, reply) => {
    const { headers, body } = request;
    const account = request.params.partner_account_id;
    if (headers.authorization !== HEADERS.authorization) return reply.code(401).type(JSON_TYPE).send(INVALID);
    if (!skip.has('validation') && !validHeaders(headers)) return reply.code(400).type(JSON_TYPE).send(INVALID);
    const now = Date.now();
    const key = `${account}\n${headers['klarna-idempotency-key']}`;
    const print = skip.has('fingerprint') ? undefined : hash('sha1', JSON.stringify(body), 'base64url');
    const kept = answers.get(key);
    // The same request again: its body passed validation the first time.
    if (kept !== undefined && now - kept.createdAt < config.idempotencyWindowMs) {
      if (kept.fingerprint !== print) return reply.code(409).type(JSON_TYPE).send(INVALID);
      return reply.code(kept.status).type(JSON_TYPE).header('Idempotent-Replayed', 'true').send(kept.body);
    }
    // (The floor authorizes payments only: a request without a transaction is refused with the invalid ones.)
    if (!skip.has('validation') && !(validBody(body) && lineItemsAddUp(body))) {
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
    const text = JSON.stringify(answer);
    if (!skip.has('record')) {
      answers.delete(key);
      answers.set(key, { status: 200, body: text, fingerprint: print, createdAt: now });
      if (answers.size > config.maxStoredResponses) answers.delete(answers.keys().next().value as string);
    }
    return reply.code(200).type(JSON_TYPE).send(text);
  },
);

function lineItemsAddUp(body: Body): boolean {
  const items = body.supplementary_purchase_data?.line_items;
  if (body.request_payment_transaction === undefined) return false;
  if (items === undefined) return true;
  let sum = 0;
  for (const item of items) sum += item.total_amount ?? 0;
  return sum === body.request_payment_transaction.amount;
}

const url = await app.listen({ port: Number(values.port), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
process.stdout.write(`floor listening on ${url}${skip.size > 0 ? ` (without ${[...skip].join(', ')})` : ''}\n`);
