import { describe, expect, it } from 'vitest';
import { WebhookFaultRequest, WebhookSubscription, WebhookSubscriptionRequest } from '../../../contracts/index.js';

describe('the webhook admin contracts', () => {
  it.each([
    ['an http URL on any port', { account: 'a', url: 'http://localhost:3000/hooks' }],
    ['an https URL with a key', { account: 'a', url: 'https://shop.test/hooks', signing_key: 'k'.repeat(16) }],
  ])('accepts a subscription with %s', (_case, request) => {
    expect(WebhookSubscriptionRequest.safeParse(request).success).toBe(true);
  });

  it.each([
    ['an ftp URL', { account: 'a', url: 'ftp://shop.test/hooks' }],
    ['no URL', { account: 'a' }],
    ['an empty account', { account: '', url: 'https://shop.test' }],
    ['a key of 15 characters', { account: 'a', url: 'https://shop.test', signing_key: 'k'.repeat(15) }],
    ['a key of 257 characters', { account: 'a', url: 'https://shop.test', signing_key: 'k'.repeat(257) }],
    ['an unknown field', { account: 'a', url: 'https://shop.test', secret: 'x' }],
  ])('rejects a subscription with %s', (_case, request) => {
    expect(WebhookSubscriptionRequest.safeParse(request).success).toBe(false);
  });

  it('pins the Klarna resource names of a subscription', () => {
    const subscription = {
      account: 'a',
      url: 'https://shop.test',
      webhook_id: 'krn:partner:global:notification:webhook:00000000-0000-4000-8000-000000000001',
      signing_key_id: 'krn:partner:global:notification:signing-key:00000000-0000-4000-8000-000000000002',
      signing_key: 'k'.repeat(43),
    };
    expect(WebhookSubscription.safeParse(subscription).success).toBe(true);
    expect(WebhookSubscription.safeParse({ ...subscription, webhook_id: 'wh_1' }).success).toBe(false);
  });

  it('arms a fault once by default', () => {
    expect(WebhookFaultRequest.parse({ account: 'a', fault: 'drop' })).toEqual({
      account: 'a',
      fault: 'drop',
      times: 1,
    });
  });

  it.each([
    ['delay without delay_ms', { account: 'a', fault: 'delay' }],
    ['delay_ms with another fault', { account: 'a', fault: 'duplicate', delay_ms: 10 }],
    ['times 0', { account: 'a', fault: 'drop', times: 0 }],
    ['an unknown fault', { account: 'a', fault: 'corrupt' }],
    ['a negative delay', { account: 'a', fault: 'delay', delay_ms: -1 }],
  ])('rejects a fault with %s', (_case, request) => {
    expect(WebhookFaultRequest.safeParse(request).success).toBe(false);
  });
});
