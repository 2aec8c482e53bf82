import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  AccountQuery,
  KlarnaError,
  WebhookFaultRequest,
  WebhookLogQuery,
  WebhookState,
  WebhookSubscription,
  WebhookSubscriptionRequest,
  type WebhookSubscriptionView,
} from '../../../contracts/index.js';
import { catalogue } from '../../core/error-catalogue.js';
import type { Webhooks } from '../../core/webhooks/webhooks.js';
import { ADMIN_TAG, BAD_PARAMETER, type CheckedRoutes, checkedScope } from '../checked-scope.js';
import { sendNoContent } from '../send-json.js';

/** Per account: where webhooks go and with which key, what was delivered, and delivery faults on demand. */
export function webhookRoutes(app: FastifyInstance, deps: { webhooks: Webhooks }) {
  checkedScope(app, (routes) => webhookRoutesIn(routes, deps));
}

function webhookRoutesIn(routes: CheckedRoutes, deps: { webhooks: Webhooks }) {
  routes.post(
    '/__mock/webhooks',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'subscribeMockWebhooks',
        description: "Subscribes an account to the simulator's webhooks; the signing key is shown in this answer only.",
        summary: "Set an account's webhook URL and signing key (generated when absent); the only answer with the key",
        body: WebhookSubscriptionRequest,
        response: { 201: WebhookSubscription, 400: KlarnaError },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return await deps.webhooks.subscribe(request.body);
    },
  );

  routes.get(
    '/__mock/webhooks',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'getMockWebhooks',
        description: "The account's subscription, without its key, and a page of its newest deliveries.",
        summary:
          "An account's webhook subscription (its signing_key_id, never the key) and its newest deliveries (oldest first)",
        querystring: WebhookLogQuery,
        response: { 200: WebhookState, 400: BAD_PARAMETER },
      },
    },
    async (request) => {
      const { account, limit, offset } = request.query;
      const current = await deps.webhooks.subscription(account);
      // Paged before any delivery is rendered: a read costs what it shows, not what the log holds.
      const page = await deps.webhooks.deliveryPage(account, { limit, offset });
      return { subscription: current === undefined ? null : withoutKey(current), ...page };
    },
  );

  routes.delete(
    '/__mock/webhooks',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'unsubscribeMockWebhooks',
        description: "Removes the account's subscription; an account with none answers 404.",
        summary: 'Stop sending webhooks for an account',
        querystring: AccountQuery,
        response: {
          204: z.null().describe('Unsubscribed'),
          400: BAD_PARAMETER,
          404: KlarnaError,
        },
      },
    },
    async (request, reply) => {
      const { account } = request.query;
      if (!(await deps.webhooks.unsubscribe(account))) throw catalogue.resourceNotFound(`webhook of ${account}`);
      return sendNoContent(reply);
    },
  );

  routes.post(
    '/__mock/webhooks/faults',
    {
      schema: {
        tags: [ADMIN_TAG],
        operationId: 'armMockWebhookFaults',
        description:
          "Faults for the account's next deliveries, to test how a receiver handles late, repeated, lost and reordered webhooks.",
        summary: "Delay, duplicate, drop or reorder an account's next webhook deliveries",
        body: WebhookFaultRequest,
        response: { 204: z.null().describe('Armed'), 400: KlarnaError },
      },
    },
    async (request, reply) => {
      await deps.webhooks.setFault(request.body);
      return sendNoContent(reply);
    },
  );
}

/** Reads never carry the signing key: only the POST that sets it returns it. */
function withoutKey({ signing_key: _key, ...view }: WebhookSubscription): WebhookSubscriptionView {
  return view;
}
