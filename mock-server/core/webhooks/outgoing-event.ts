import { randomBytes } from 'node:crypto';
import {
  WebhookEnvelope,
  type WebhookPayload,
  type WebhookSubscription,
  WebhookSubscriptionRequest,
} from '../../../contracts/index.js';
import type { OutgoingEvent } from './account-webhooks.js';
import { buildEnvelope } from './envelope.js';
import { signBody } from './sign.js';
import type { WebhookTarget } from './webhook-dispatcher.js';

// What every webhook delivery (in this process or shared) makes of an event and of an admin subscription.

/** One event for one webhook: the envelope serialized once and signed, so every attempt sends the signed bytes. */
export function signedEvent(
  event: { eventId: string; eventType: string; occurredAt: number; account: string; payload: WebhookPayload },
  target: WebhookTarget,
): OutgoingEvent {
  const envelope = WebhookEnvelope.parse(
    buildEnvelope({ ...event, recipient: target.recipient, webhookId: target.webhookId }),
  );
  const body = JSON.stringify(envelope);
  return {
    eventId: event.eventId,
    eventType: event.eventType,
    url: target.url,
    body,
    signature: signBody(body, target.signingKey),
    signingKeyId: target.signingKeyId,
  };
}

/** An admin subscription from its request: new ids, and a key of 32 random bytes unless one is given. */
export function newSubscription(input: WebhookSubscriptionRequest, uuid: () => string): WebhookSubscription {
  const request = WebhookSubscriptionRequest.parse(input);
  return {
    account: request.account,
    url: request.url,
    webhook_id: `krn:partner:global:notification:webhook:${uuid()}`,
    signing_key_id: `krn:partner:global:notification:signing-key:${uuid()}`,
    signing_key: request.signing_key ?? randomBytes(32).toString('base64url'),
  };
}

/** The admin subscription as the first target of an event. */
export function subscriptionTarget(subscription: WebhookSubscription): WebhookTarget {
  return {
    webhookId: subscription.webhook_id,
    url: subscription.url,
    signingKeyId: subscription.signing_key_id,
    signingKey: subscription.signing_key,
  };
}

/** An event's payload, rendered now when it was given as a function. */
export function payloadOf(payload: WebhookPayload | (() => WebhookPayload)): WebhookPayload {
  return typeof payload === 'function' ? payload() : payload;
}
