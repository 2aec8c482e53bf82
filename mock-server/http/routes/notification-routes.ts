import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreatedSigningKey,
  CreateSigningKeyRequest,
  CreateWebhookRequest,
  KlarnaError,
  NotificationHeaders,
  SigningKey,
  SigningKeyList,
  SigningKeyParams,
  SimulatedEvent,
  SimulateWebhookRequest,
  UpdateWebhookRequest,
  Webhook,
  WebhookList,
  WebhookParams,
} from '../../../contracts/index.js';
import type { AccountClock } from '../../core/account-clock.js';
import { type Awaitable, andThen } from '../../core/awaitable.js';
import { serializeChecked } from '../../core/check-response.js';
import type { MockConfig } from '../../core/config.js';
import { catalogue } from '../../core/error-catalogue.js';
import type { AnswerStore } from '../../core/store/answer-store.js';
import type { NotificationStore } from '../../core/webhooks/notification-store.js';
import { simulatedPayload } from '../../core/webhooks/simulated-payload.js';
import type { Webhooks } from '../../core/webhooks/webhooks.js';
import { sendJson, sendNoContent } from '../send-json.js';
import { type Answer, answerOnce } from './answer-once.js';
import { checkNotificationRequest, type NotificationRequest } from './check-notification-request.js';

// Klarna's Notifications API: webhooks and signing keys, on the account of the API key.
// https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks

const KEYS = '/v2/notification/signing-keys';
const KEY = `${KEYS}/:signing_key_id`;
const HOOKS = '/v2/notification/webhooks';
const HOOK = `${HOOKS}/:webhook_id`;

/** What each Notification API operation does, for /openapi.json. */
const NOTIFICATION_DESCRIPTIONS = {
  createSigningKey: 'A new key to sign webhooks with; store its secret, which no later answer shows.',
  listSigningKeys: 'Every signing key of the account, without the secrets.',
  getSigningKey: "One signing key of the account, without its secret; another account's key answers 404.",
  deleteSigningKey: 'A key that a webhook still uses answers 409 instead.',
  createWebhook: 'Registers a URL for the event types given; each delivery is signed with the signing key named.',
  listWebhooks: 'Every webhook of the account, oldest first.',
  getWebhook: "One webhook of the account; another account's webhook answers 404.",
  updateWebhook: "A partial update: the fields sent replace the webhook's, the others stay as they were.",
  deleteWebhook: 'The webhook receives no further events.',
  simulateWebhook:
    'Queues a sample event of the type given for this webhook; the delivery shows in the delivery log like any other.',
} as const;

export interface NotificationRouteDeps {
  config: MockConfig;
  answerStore: AnswerStore;
  clock: AccountClock;
  uuid: () => string;
  /** In memory or shared (a store that cannot be reached throws its 503). */
  notifications: NotificationStore;
  webhooks: Webhooks;
}

/**
 * Checked by hand (checkNotificationRequest), not by Fastify's per-part compilers: one VALIDATION_ERROR lists every
 * violation of the idempotency key, the path and the body together, after the credentials; and the writes' answers
 * are serialized once so that a replay sends the same bytes.
 */
export function notificationRoutes(app: FastifyInstance, deps: NotificationRouteDeps) {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { notifications } = deps;
  const schema = (
    operationId: keyof typeof NOTIFICATION_DESCRIPTIONS,
    summary: string,
    ok: Record<number, z.ZodType>,
    parts: object = {},
  ) => ({
    operationId,
    summary,
    description: NOTIFICATION_DESCRIPTIONS[operationId],
    tags: ['Notification API'],
    security: [{ klarna_api_key: [] }],
    ...parts,
    response: {
      ...ok,
      400: KlarnaError.describe('INPUT_ERROR: VALIDATION_ERROR or INVALID_CONTENT_TYPE'),
      401: KlarnaError.describe('ACCESS_ERROR: UNAUTHORIZED'),
      404: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_NOT_FOUND (none of this account)'),
      409: KlarnaError.describe('RESOURCE_ERROR: RESOURCE_CONFLICT (a limit, a key in use, or idempotency)'),
    },
  });
  const headers = NotificationHeaders;
  const check = <P extends z.ZodType, B extends z.ZodType>(request: FastifyRequest, parts: { params?: P; body?: B }) =>
    checkNotificationRequest(request, deps.config, parts);
  const once = (
    request: FastifyRequest,
    reply: FastifyReply,
    input: NotificationRequest,
    run: () => Awaitable<Answer>,
  ) =>
    answerOnce(
      reply,
      {
        account: input.account,
        key: input.key,
        method: request.method,
        path: `${request.routeOptions.url} ${JSON.stringify(request.params)}`,
        body: request.body,
      },
      deps,
      () =>
        andThen(run(), (answer) => ({ result: request.routeOptions.schema?.operationId ?? request.method, ...answer })),
    );
  const noContent = { 204: z.null().describe('Deleted') };

  routes.post(
    KEYS,
    {
      schema: schema(
        'createSigningKey',
        'Create a signing key; its secret is shown in this answer only',
        { 201: CreatedSigningKey },
        { headers },
      ),
    },
    async (request, reply) => {
      const input = check(request, { body: CreateSigningKeyRequest });
      return once(request, reply, input, () =>
        andThen(notifications.createSigningKey(input.account), (key) => ({
          status: 201,
          body: serializeChecked(CreatedSigningKey, key),
        })),
      );
    },
  );

  routes.get(
    KEYS,
    { schema: schema('listSigningKeys', "The account's signing keys, without secrets", { 200: SigningKeyList }) },
    async (request, reply) => {
      const { account } = check(request, {});
      const list = { signing_keys: await notifications.signingKeys(account) };
      return sendJson(reply, 200, serializeChecked(SigningKeyList, list));
    },
  );

  routes.get(
    KEY,
    {
      schema: schema(
        'getSigningKey',
        'One signing key, without its secret',
        { 200: SigningKey },
        {
          params: SigningKeyParams,
        },
      ),
    },
    async (request, reply) => {
      const { account, params } = check(request, { params: SigningKeyParams });
      return sendJson(
        reply,
        200,
        serializeChecked(SigningKey, await notifications.signingKey(account, params.signing_key_id)),
      );
    },
  );

  routes.delete(
    KEY,
    {
      schema: schema('deleteSigningKey', 'Delete a signing key no webhook uses', noContent, {
        params: SigningKeyParams,
      }),
    },
    async (request, reply) => {
      const { account, params } = check(request, { params: SigningKeyParams });
      await notifications.deleteSigningKey(account, params.signing_key_id);
      return sendNoContent(reply);
    },
  );

  routes.post(
    HOOKS,
    {
      schema: schema(
        'createWebhook',
        'Register a webhook signed with one of the signing keys',
        { 201: Webhook },
        {
          headers,
          body: CreateWebhookRequest,
        },
      ),
    },
    async (request, reply) => {
      const input = check(request, { body: CreateWebhookRequest });
      return once(request, reply, input, () =>
        andThen(notifications.createWebhook(input.account, input.body), (webhook) => ({
          status: 201,
          body: serializeChecked(Webhook, webhook),
        })),
      );
    },
  );

  routes.get(
    HOOKS,
    { schema: schema('listWebhooks', "The account's webhooks, oldest first", { 200: WebhookList }) },
    async (request, reply) => {
      const { account } = check(request, {});
      return sendJson(reply, 200, serializeChecked(WebhookList, { webhooks: await notifications.webhooks(account) }));
    },
  );

  routes.get(
    HOOK,
    { schema: schema('getWebhook', 'One webhook', { 200: Webhook }, { params: WebhookParams }) },
    async (request, reply) => {
      const { account, params } = check(request, { params: WebhookParams });
      return sendJson(reply, 200, serializeChecked(Webhook, await notifications.webhook(account, params.webhook_id)));
    },
  );

  routes.patch(
    HOOK,
    {
      schema: schema(
        'updateWebhook',
        'Change the fields given; the others stay',
        { 200: Webhook },
        {
          params: WebhookParams,
          headers,
          body: UpdateWebhookRequest,
        },
      ),
    },
    async (request, reply) => {
      const input = check(request, { params: WebhookParams, body: UpdateWebhookRequest });
      return once(request, reply, input, () =>
        andThen(notifications.updateWebhook(input.account, input.params.webhook_id, input.body), (webhook) => ({
          status: 200,
          body: serializeChecked(Webhook, webhook),
        })),
      );
    },
  );

  routes.delete(
    HOOK,
    { schema: schema('deleteWebhook', 'Delete a webhook', noContent, { params: WebhookParams }) },
    async (request, reply) => {
      const { account, params } = check(request, { params: WebhookParams });
      await notifications.deleteWebhook(account, params.webhook_id);
      return sendNoContent(reply);
    },
  );

  routes.post(
    `${HOOK}/simulate`,
    {
      schema: schema(
        'simulateWebhook',
        'Send a sample event of a type to this webhook, signed with its key, through the delivery log',
        {
          202: SimulatedEvent.describe('Queued for delivery'),
          503: KlarnaError.describe("TECHNICAL_ERROR: TEMPORARY_UNAVAILABLE (the account's delivery queue is full)"),
        },
        { params: WebhookParams, headers, body: SimulateWebhookRequest },
      ),
    },
    async (request, reply) => {
      const input = check(request, { params: WebhookParams, body: SimulateWebhookRequest });
      return once(request, reply, input, () => {
        const { account, params, body } = input;
        return andThen(notifications.target(account, params.webhook_id), (target) => {
          const payload = simulatedPayload({
            eventType: body.event_type,
            paymentRequestId: `krn:payment:${deps.config.region}:request:${deps.uuid()}`,
            paymentTransactionId: `krn:payment:${deps.config.region}:transaction:${deps.uuid()}`,
            now: deps.clock.now(account),
          });
          return andThen(deps.webhooks.simulate(account, target, body.event_type, payload), (eventId) => {
            if (eventId === undefined) throw catalogue.webhookQueueFull();
            const event = { event_id: eventId, event_type: body.event_type, webhook_id: target.webhookId };
            return { status: 202, body: serializeChecked(SimulatedEvent, event) };
          });
        });
      });
    },
  );
}
