import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  CreatedSigningKey,
  KlarnaError,
  SigningKey,
  SigningKeyList,
  Webhook,
  WebhookList,
} from '../contracts/index.js';
import { schemaViolations } from '../contracts/schema-violations.js';
import { encodeReceived, type Violation, valueAt, violation } from '../contracts/violation.js';
import { expectEqual, expectStatus, isSuccess, statusViolation } from './expect-exchange.js';
import type { Interaction, SuiteContext } from './interaction.js';
import type { Exchange, ProviderRequest } from './provider-client.js';

// Klarna's Notifications API as Klarna's request collection (r2512) drives it: a signing key first, then a webhook
// that names it. https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks
// Each interaction deletes what it made, so reruns against a long-running provider stay under the 50-key cap. They
// run in the simulator part: the webhook one sends a sample event to a URL nobody receives at, and the refusal to
// delete a key in use is the simulator's choice.

/** A receiver that never answers (the reserved `.invalid` domain): the simulator retries it on its own clock. */
const NOWHERE = 'https://klarna-mock-contract-suite.invalid/webhooks';

export function notificationInteractions(): Interaction[] {
  return [signingKeyLifecycle, webhookLifecycle, keyInUse];
}

function request(ctx: SuiteContext, method: ProviderRequest['method'], path: string, body?: unknown): ProviderRequest {
  const headers: Record<string, string> = { authorization: `Basic ${ctx.apiKey}` };
  // As Klarna's collection sends it: an idempotency key on every POST and PATCH.
  if (method === 'POST' || method === 'PATCH') headers['klarna-idempotency-key'] = randomUUID();
  return { method, url: `${ctx.baseUrl}/v2/notification/${path}`, headers, ...(body !== undefined && { body }) };
}

/** A krn keeps its colons in the path, as Klarna writes it. */
const segment = (id: string) => encodeURIComponent(id).replace(/%3A/gi, ':');

function expectBody(exchange: Exchange, schema: z.ZodType): Violation[] {
  if (exchange.json === undefined) {
    return [{ path: '(body)', expected: 'a JSON body', received: encodeReceived(exchange.text) }];
  }
  return schemaViolations(isSuccess(exchange) ? schema : KlarnaError, exchange.json);
}

const idAt = (exchange: Exchange, field: string): string | undefined => {
  const id = valueAt(exchange.json, [field]);
  return exchange.status === 201 && typeof id === 'string' ? id : undefined;
};

async function createKey(ctx: SuiteContext) {
  const created = await ctx.send(request(ctx, 'POST', 'signing-keys'));
  const violations = [...expectStatus(created, 201), ...expectBody(created, CreatedSigningKey)];
  return { id: idAt(created, 'signing_key_id'), violations };
}

async function createWebhook(ctx: SuiteContext, signingKeyId: string) {
  const created = await ctx.send(
    request(ctx, 'POST', 'webhooks', {
      url: NOWHERE,
      event_types: ['payment.request.state-change.completed'],
      event_version: 'v2',
      signing_key_id: signingKeyId,
      status: 'ENABLED',
    }),
  );
  const violations = [...expectStatus(created, 201), ...expectBody(created, Webhook)];
  return { id: idAt(created, 'webhook_id'), violations };
}

async function remove(ctx: SuiteContext, path: string): Promise<Violation[]> {
  return expectStatus(await ctx.send(request(ctx, 'DELETE', path)), 204);
}

const signingKeyLifecycle: Interaction = {
  name: 'signing key: created 201 with its secret, read and listed 200 without it, deleted 204',
  part: 'simulator',
  async run(ctx) {
    const key = await createKey(ctx);
    if (key.id === undefined) return key.violations;
    const violations = [...key.violations];
    const path = `signing-keys/${segment(key.id)}`;
    const one = await ctx.send(request(ctx, 'GET', path));
    violations.push(...expectStatus(one, 200), ...expectBody(one, SigningKey));
    violations.push(...expectEqual(one, ['signing_key_id'], key.id));
    const list = await ctx.send(request(ctx, 'GET', 'signing-keys'));
    violations.push(...expectStatus(list, 200), ...expectBody(list, SigningKeyList));
    violations.push(...(await remove(ctx, path)));
    return violations;
  },
};

/**
 * A signing key and a webhook using it, `check` run on them (with the webhook's path), then both deleted: the
 * suite leaves nothing behind, so reruns stay under the 50-key cap.
 */
async function withKeyAndWebhook(
  ctx: SuiteContext,
  check: (keyId: string, hookId: string, hookPath: string) => Promise<Violation[]>,
): Promise<Violation[]> {
  const key = await createKey(ctx);
  if (key.id === undefined) return key.violations;
  const violations = [...key.violations];
  const hook = await createWebhook(ctx, key.id);
  violations.push(...hook.violations);
  if (hook.id !== undefined) {
    const path = `webhooks/${segment(hook.id)}`;
    violations.push(...(await check(key.id, hook.id, path)));
    violations.push(...(await remove(ctx, path)));
  }
  violations.push(...(await remove(ctx, `signing-keys/${segment(key.id)}`)));
  return violations;
}

const webhookLifecycle: Interaction = {
  name: 'webhook: created 201 with a webhook_id, listed 200, simulated 2xx, deleted 204',
  part: 'simulator',
  run: (ctx) =>
    withKeyAndWebhook(ctx, async (_keyId, hookId, path) => {
      const violations: Violation[] = [];
      const list = await ctx.send(request(ctx, 'GET', 'webhooks'));
      violations.push(...expectStatus(list, 200), ...expectBody(list, WebhookList));
      const listed = valueAt(list.json, ['webhooks']);
      if (Array.isArray(listed) && !listed.some((w) => valueAt(w, ['webhook_id']) === hookId)) {
        violations.push(violation('webhooks[].webhook_id', `one of them ${hookId}`, undefined));
      }
      const simulated = await ctx.send(
        request(ctx, 'POST', `${path}/simulate`, {
          event_type: 'payment.request.state-change.completed',
          event_version: 'v2',
        }),
      );
      if (!isSuccess(simulated)) violations.push(statusViolation(simulated, '2xx'));
      return violations;
    }),
};

const keyInUse: Interaction = {
  name: 'deleting a signing key a webhook uses: 409 RESOURCE_ERROR / RESOURCE_CONFLICT',
  part: 'simulator',
  run: (ctx) =>
    withKeyAndWebhook(ctx, async (keyId) => {
      const refused = await ctx.send(request(ctx, 'DELETE', `signing-keys/${segment(keyId)}`));
      return [
        ...expectStatus(refused, 409),
        ...expectBody(refused, KlarnaError),
        ...expectEqual(refused, ['error_code'], 'RESOURCE_CONFLICT'),
      ];
    }),
};
