import { describe, expect, it } from 'vitest';
import type { CreateWebhookRequest } from '../../contracts/index.js';
import { KlarnaHttpError } from '../../mock-server/core/error-catalogue.js';
import { MAX_WEBHOOKS, NotificationRegistry } from '../../mock-server/core/webhooks/notification-registry.js';
import { sequentialUuids } from '../support/fake-clock.js';

const A = 'krn:partner:global:account:test:AAAA1111';

function registry() {
  let n = 0;
  return new NotificationRegistry({
    now: () => Date.parse('2026-11-26T12:00:00.000Z'),
    uuid: sequentialUuids(),
    secret: () => `secret-${++n}`,
  });
}

const hook = (signingKeyId: string, changes: Partial<CreateWebhookRequest> = {}): CreateWebhookRequest => ({
  url: 'https://partner.example/hook',
  event_types: ['payment.request.*'],
  event_version: 'v2',
  signing_key_id: signingKeyId,
  status: 'ENABLED',
  ...changes,
});

const thrown = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof KlarnaHttpError) return { status: error.statusCode, code: error.errorCode };
    throw error;
  }
  return undefined;
};

describe('NotificationRegistry', () => {
  it('hands out targets of enabled, matching webhooks only, each with the secret of its own key', () => {
    const notifications = registry();
    const first = notifications.createSigningKey(A);
    const second = notifications.createSigningKey(A);
    const wanted = notifications.createWebhook(A, hook(first.signing_key_id));
    notifications.createWebhook(A, hook(second.signing_key_id, { event_types: ['settlement.*'] }));
    notifications.createWebhook(A, hook(second.signing_key_id, { status: 'DISABLED' }));
    expect(notifications.targets(A, 'payment.request.state-change.completed')).toEqual([
      {
        webhookId: wanted.webhook_id,
        url: 'https://partner.example/hook',
        signingKeyId: first.signing_key_id,
        signingKey: 'secret-1',
      },
    ]);
    expect(notifications.targets('krn:partner:global:account:test:OTHER', 'payment.request.updated')).toEqual([]);
  });

  it.each([
    ['an unknown signing key on create', (r: NotificationRegistry) => r.createWebhook(A, hook('nope')), 400],
    ['an unknown webhook', (r: NotificationRegistry) => r.webhook(A, 'nope'), 404],
    ['an unknown signing key', (r: NotificationRegistry) => r.signingKey(A, 'nope'), 404],
    ['an unknown signing key on update', (r: NotificationRegistry) => r.updateWebhook(A, 'nope', {}), 404],
  ])('refuses %s', (_name, run, status) => {
    expect(thrown(() => run(registry()))?.status).toBe(status);
  });

  it(`caps webhooks at ${MAX_WEBHOOKS} per account`, () => {
    const notifications = registry();
    const key = notifications.createSigningKey(A);
    for (let i = 0; i < MAX_WEBHOOKS; i += 1) notifications.createWebhook(A, hook(key.signing_key_id));
    expect(thrown(() => notifications.createWebhook(A, hook(key.signing_key_id)))).toEqual({
      status: 409,
      code: 'RESOURCE_CONFLICT',
    });
  });

  it('forgets an account on reset', () => {
    const notifications = registry();
    const key = notifications.createSigningKey(A);
    notifications.createWebhook(A, hook(key.signing_key_id));
    notifications.reset(A);
    expect(notifications.webhooks(A)).toEqual([]);
    expect(notifications.signingKeys(A)).toEqual([]);
  });
});
