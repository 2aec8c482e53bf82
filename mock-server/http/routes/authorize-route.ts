import { hash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AuthorizeHeaders,
  AuthorizeParams,
  AuthorizeRequest,
  AuthorizeResponse,
  KlarnaError,
} from '../../../contracts/index.js';
import { accountOfKey } from '../../core/authenticate.js';
import {
  type AuthorizeAction,
  type AuthorizeDeps,
  type AuthorizePlan,
  authorize,
} from '../../core/authorize/authorize-service.js';
import { catalogue } from '../../core/error-catalogue.js';
import type { Sleep } from '../../io/sleep.js';
import { answerThrown, sendKlarnaError } from '../error-handler.js';
import { exchangeOf } from '../exchange.js';
import { parseJson } from '../json-body.js';
import { type ExchangeDeps, settleExchange } from '../plugins/exchange-hooks.js';
import { requestOrigin } from '../request-origin.js';
import { sendJson } from '../send-json.js';
import { carryOutFault } from './carry-out-fault.js';

export const AUTHORIZE_PATH = '/v2/accounts/:partner_account_id/payment/authorize';
/** Klarna Direct's form: no account in the path, the API key's account is used (docs/simulator-choices.md#direct-account). */
export const DIRECT_AUTHORIZE_PATH = '/v2/payment/authorize';

/** One path of the operation: where it is, its OpenAPI names, and the account a request acts on. */
interface AuthorizeForm {
  path: string;
  operationId: string;
  params: z.ZodObject;
  /** Throws the catalogue's 401 when a Direct request's key names no account. */
  account: (request: FastifyRequest) => string;
}

function authorizeForms(config: AuthorizeDeps['config']): AuthorizeForm[] {
  return [
    {
      path: AUTHORIZE_PATH,
      operationId: 'authorizePayment',
      params: AuthorizeParams.unwrap(),
      account: (request) => (request.params as { partner_account_id: string }).partner_account_id,
    },
    {
      path: DIRECT_AUTHORIZE_PATH,
      operationId: 'authorizePaymentDirect',
      params: z.object({}),
      account: (request) => {
        const account = accountOfKey(request.headers.authorization, config);
        if (typeof account !== 'string') throw account;
        return account;
      },
    },
  ];
}

/** What /docs offers to send: a request the simulator approves as it is ("Try it out"). */
const EXAMPLE_REQUEST = {
  currency: 'USD',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'order-1234' },
  supplementary_purchase_data: {
    purchase_reference: 'order-1234',
    line_items: [{ name: 'Running shoes', quantity: 1, total_amount: 11800 }],
  },
};

const DocumentedHeaders = AuthorizeHeaders.unwrap()
  .omit({ authorization: true })
  .extend({
    'mock-scenario': z.string().optional().describe('Simulator extra: answer with this built-in or fixture scenario'),
  });

export interface AuthorizeRouteDeps extends AuthorizeDeps {
  /** Where a fault, which has no answer, is journaled and logged. */
  exchange: ExchangeDeps;
  sleep: Sleep;
  /** Fires when the app starts closing: hangs let go. */
  closing: AbortSignal;
  /** Fires when the shutdown grace period is over: delays are cut short. */
  graceOver: AbortSignal;
}

/** https://docs.klarna.com/api/kn/klarna-product-api-payment/klarna-product-api-payment-v2-r6 (authorizePayment) */
export async function authorizeRoute(app: FastifyInstance, deps: AuthorizeRouteDeps) {
  await app.register(async (scope) => authorizeRouteIn(scope, deps));
}

/**
 * The route in a scope of its own, where a JSON body arrives as text: a replay answers from the stored bytes
 * without parsing them, and anything else is parsed by the handler (parseJson), after the credentials.
 */
function authorizeRouteIn(scope: FastifyInstance, deps: AuthorizeRouteDeps) {
  const parseBody = (text: string) => {
    const body = parseJson(text);
    // `null` is JSON, but no request body.
    if (body === null) throw catalogue.invalidJson('The received input is JSON null, not a request object');
    return body;
  };
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body === '' ? undefined : body),
  );
  for (const form of authorizeForms(deps.config)) authorizeRouteAt(form);

  function authorizeRouteAt(form: AuthorizeForm) {
    scope.withTypeProvider<ZodTypeProvider>().post(
      form.path,
      {
        schema: {
          operationId: form.operationId,
          tags: ['Payment Authorize API'],
          summary: 'Authorize a payment transaction, request a customer token, or both',
          description:
            'Needs `request_payment_transaction` or `request_customer_token`; line items must add up to the amount. ' +
            'Simulator extra: a `Mock-Scenario` header picks a built-in or fixture scenario (docs/guides/scenarios.md).',
          security: [{ klarna_api_key: [] }],
          params: form.params,
          // The key goes in the security scheme (OpenAPI ignores an Authorization header parameter).
          headers: DocumentedHeaders,
          body: AuthorizeRequest.meta({ examples: [EXAMPLE_REQUEST] }),
          response: {
            200: AuthorizeResponse.describe('APPROVED, DECLINED or STEP_UP_REQUIRED'),
            400: KlarnaError.describe('INPUT_ERROR: VALIDATION_ERROR, INVALID_CONTENT_TYPE or BAD_REQUEST'),
            401: KlarnaError.describe('ACCESS_ERROR: UNAUTHORIZED'),
            403: KlarnaError.describe('RESOURCE_ERROR: OPERATION_FORBIDDEN'),
            404: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_NOT_FOUND'),
            409: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_CONFLICT (idempotency)'),
            408: KlarnaError.describe('INPUT_ERROR: REQUEST_TIMEOUT (the request arrived too slowly)'),
            413: KlarnaError.describe('INPUT_ERROR: PAYLOAD_TOO_LARGE'),
            431: KlarnaError.describe('INPUT_ERROR: HEADERS_TOO_LARGE (one header over 6 KB, all over 20 KB)'),
            429: KlarnaError.describe('ACCESS_ERROR: RATE_LIMITED (scenarios only)'),
            500: KlarnaError.describe('TECHNICAL_ERROR: INTERNAL_ERROR or TIMEOUT'),
            503: KlarnaError.describe('TECHNICAL_ERROR: TEMPORARY_UNAVAILABLE (scenarios, or while shutting down)'),
          },
        },
      },
      // Authorize keeps its hand-tuned path instead of Fastify's validator and serializer: the body arrives as text so
      // that a replay answers from the stored bytes before any parsing, the checks run after the credentials in the
      // order Klarna answers them, and the answer is serialized once when recorded. Not an async function either: a
      // replay from the memory store is sent without a promise in between.
      (request, reply) => {
        // An absent body (no content type, or nothing sent) is parsed as '', which is not JSON: after the credentials,
        // like any other body that is not JSON.
        // (Fastify hands an absent body over as null.)
        const received: unknown = request.body;
        const text = typeof received === 'string' ? received : '';
        const exchange = exchangeOf(request);
        exchange.bodyText = typeof received === 'string' ? received : undefined;
        let planned: ReturnType<typeof authorize>;
        try {
          planned = authorize(
            {
              account: form.account(request),
              headers: request.headers,
              bodyText: text,
              parseBody,
              origin: () => requestOrigin(request),
              // Only a request with an idempotency key can take the replay fast path.
              rawBodyHash:
                request.headers['klarna-idempotency-key'] === undefined ? undefined : hash('sha1', text, 'base64url'),
            },
            deps,
          );
        } catch (thrown) {
          // A refusal (bad credentials, a refused body) is answered here as the app's error handler would, without
          // Fastify's error path: refusals are common traffic. What fails later, on the long way, still goes there.
          answerThrown(thrown, request, reply, deps.config.bodyLimitBytes);
          return undefined;
        }
        // A fast replay comes back at once; the long way (claim, commit) is a promise.
        const carried =
          planned instanceof Promise
            ? planned.then((plan) => carryOutPlan(plan, request, reply))
            : carryOutPlan(planned, request, reply);
        if (!(carried instanceof Promise)) return carried;
        // Once it has answered, the promise resolves when the answer has gone out (a shared journal's onSend holds it
        // until Redis has the record): resolved before, Fastify would take `undefined` for nothing sent, and send it.
        return carried.then(() => (exchange.plan?.action.kind === 'fault' ? undefined : answerGone(reply)));
      },
    );
  }

  /** Waits for the plan's delay if any, then carries it out. */
  function carryOutPlan(plan: AuthorizePlan, request: FastifyRequest, reply: FastifyReply) {
    exchangeOf(request).plan = plan;
    if (plan.delayMs === 0) return carryOut(plan.action, request, reply);
    // A delay survives a shutdown for its grace period; a hang lets go as soon as the app closes.
    request.log.debug(`delaying the answer ${plan.delayMs} ms (scenario ${plan.scenario?.scenario.name})`);
    return sleepUnlessLeaving(deps.sleep, plan.delayMs, request, deps.graceOver).then(() =>
      carryOut(plan.action, request, reply),
    );
  }

  /** Sends the answer or the scenario's error (undefined), or returns the fault being carried out. */
  function carryOut(action: AuthorizeAction, request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    if (action.kind === 'error') {
      exchangeOf(request).error = action.error;
      sendKlarnaError(action.error, request.id, reply);
      return undefined;
    }
    if (action.kind === 'fault') {
      // No answer goes out, so no onResponse: the fault is journaled and logged here.
      settleExchange(request, action.fault, deps.exchange);
      const hang = () => sleepUnlessLeaving(deps.sleep, deps.config.hangMaxMs, request, deps.closing);
      return carryOutFault(action.fault, request, reply, hang);
    }
    if (action.replayed) reply.header('Idempotent-Replayed', 'true');
    sendJson(reply, action.status, action.body);
    return undefined;
  }
}

/** Resolves once the answer has been written out, or its connection closed. */
function answerGone(reply: FastifyReply): Promise<void> {
  return new Promise((resolve) => reply.then(resolve, () => resolve()));
}

/** Sleeps, cut short when the client's socket closes or `app` fires; unhooks from the (keep-alive) socket after. */
async function sleepUnlessLeaving(sleep: Sleep, ms: number, request: FastifyRequest, app: AbortSignal) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const socket = request.raw.socket;
  socket.once('close', abort);
  app.addEventListener('abort', abort, { once: true });
  try {
    await sleep(ms, controller.signal);
  } finally {
    socket.off('close', abort);
    app.removeEventListener('abort', abort);
  }
}
