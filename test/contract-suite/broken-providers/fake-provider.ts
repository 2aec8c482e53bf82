import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply } from 'fastify';
import { AuthorizeRequest, UpdatePaymentRequestBody } from '../../../contracts/index.js';

// A stand-in for a provider of the authorize API, small enough to read at a glance. Unflawed it answers the
// portable part the way Klarna documents; each file beside it breaks exactly one thing, through a Flaw.

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Rewrites every answer just before it leaves. */
export type Flaw = (answer: Answer) => Answer;

export interface RunningProvider {
  url: string;
  close: () => Promise<void>;
}

const klarnaError = (status: number, type: string, code: string, extra: Record<string, unknown> = {}): Answer => {
  const id = randomUUID();
  return {
    status,
    headers: { 'Klarna-Correlation-Id': id },
    body: { error_id: id, error_type: type, error_code: code, error_message: code.toLowerCase(), ...extra },
  };
};

function authorize(headers: Record<string, unknown>, body: unknown): Answer {
  if (!/^Basic \S+/.test(String(headers.authorization ?? ''))) return klarnaError(401, 'ACCESS_ERROR', 'UNAUTHORIZED');
  const parsed = AuthorizeRequest.safeParse(body);
  if (!parsed.success) {
    const validation_errors = parsed.error.issues.map((i) => ({ parameter: i.path.join('.'), reason: i.message }));
    return klarnaError(400, 'INPUT_ERROR', 'VALIDATION_ERROR', { validation_errors });
  }
  const request = parsed.data;
  const stepUp = !headers['klarna-network-session-token'] && (request.step_up_config || request.request_customer_token);
  const answer: Answer = { status: 200, headers: { 'Klarna-Correlation-Id': randomUUID() }, body: {} };
  if (stepUp) {
    answer.body.payment_request = { payment_request_id: `krn:payment:eu1:request:${randomUUID()}`, state: 'SUBMITTED' };
  }
  const transaction = request.request_payment_transaction;
  if (transaction) {
    answer.body.payment_transaction_response = stepUp
      ? { result: 'STEP_UP_REQUIRED' }
      : {
          result: 'APPROVED',
          payment_transaction: {
            payment_transaction_id: `krn:payment:eu1:transaction:${randomUUID()}`,
            payment_transaction_reference: transaction.payment_transaction_reference,
            amount: transaction.amount,
            currency: request.currency,
          },
        };
  }
  if (request.request_customer_token) answer.body.customer_token_response = { result: 'STEP_UP_REQUIRED' };
  return answer;
}

/** createPaymentRequest (201) and updatePaymentRequest (200): the payment request, SUBMITTED. */
function paymentRequest(
  headers: Record<string, unknown>,
  body: unknown,
  status: 200 | 201,
  id: string = randomUUID(),
): Answer {
  if (!/^Basic \S+/.test(String(headers.authorization ?? ''))) return klarnaError(401, 'ACCESS_ERROR', 'UNAUTHORIZED');
  const parsed = UpdatePaymentRequestBody.safeParse(body);
  if (!parsed.success || (status === 201 && parsed.data.currency === undefined)) {
    return klarnaError(400, 'INPUT_ERROR', 'VALIDATION_ERROR', { validation_errors: [] });
  }
  const { amount, currency } = parsed.data;
  return {
    status,
    headers: { 'Klarna-Correlation-Id': randomUUID() },
    body: { payment_request_id: `krn:payment:eu1:request:${id}`, state: 'SUBMITTED', amount, currency },
  };
}

/** The approved payment_transaction of an answer, when it has one. */
export function transactionOf(answer: Answer): Record<string, unknown> | undefined {
  const response = answer.body.payment_transaction_response as { payment_transaction?: Record<string, unknown> };
  return response?.payment_transaction;
}

/** Starts the provider on 127.0.0.1 (a free port by default), with `flaw` applied to every answer. */
export async function startProvider(flaw: Flaw = (answer) => answer, port = 0): Promise<RunningProvider> {
  const app = Fastify({ logger: false });
  const send = (reply: FastifyReply, answer: Answer) => {
    const { status, headers, body } = flaw(answer);
    return reply.code(status).headers(headers).type('application/json').send(JSON.stringify(body));
  };
  // Fastify's own JSON parser rejects malformed bodies before the route; answer them as Klarna does.
  app.setErrorHandler((_error, _request, reply) =>
    send(reply, klarnaError(400, 'INPUT_ERROR', 'INVALID_CONTENT_TYPE')),
  );
  app.post('/v2/accounts/:account/payment/authorize', (request, reply) =>
    send(reply, authorize(request.headers, request.body)),
  );
  app.post('/v2/accounts/:account/payment/requests', (request, reply) =>
    send(reply, paymentRequest(request.headers, request.body, 201)),
  );
  app.patch('/v2/accounts/:account/payment/requests/:id', (request, reply) => {
    const id = String((request.params as { id: string }).id)
      .split(':')
      .pop();
    return send(reply, paymentRequest(request.headers, request.body, 200, id));
  });
  // Klarna's answer to any transaction it does not have.
  app.get('/v2/accounts/:account/payment/transactions/:id', (_request, reply) =>
    send(reply, klarnaError(404, 'RESOURCE_ERROR', 'RESOURCE_NOT_FOUND')),
  );
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
