import { randomBytes } from 'node:crypto';
import type { AccountClock } from '../core/account-clock.js';
import type { MockConfig } from '../core/config.js';
import type { AnswerStore } from '../core/store/answer-store.js';
import type { Post } from '../core/webhooks/attempt-delivery.js';
import { eventRecipients } from '../core/webhooks/event-recipients.js';
import { NotificationRegistry } from '../core/webhooks/notification-registry.js';
import type { NotificationStore } from '../core/webhooks/notification-store.js';
import { SharedWebhookDispatcher } from '../core/webhooks/shared-webhook-dispatcher.js';
import {
  DEFAULT_DELIVERIES_PER_ACCOUNT,
  WebhookDispatcher,
  type WebhookTarget,
} from '../core/webhooks/webhook-dispatcher.js';
import type { Webhooks } from '../core/webhooks/webhooks.js';
import { RedisAnswerStore } from '../io/redis/redis-answer-store.js';
import { RedisDeliverySchedule, redisWebhookTtls } from '../io/redis/redis-delivery-schedule.js';
import { RedisEventTargets } from '../io/redis/redis-event-targets.js';
import { RedisNotificationStore } from '../io/redis/redis-notification-store.js';

/** An attempt's lease outlives the attempt's own timeout by this much (an instance that died lets go after it). */
const LEASE_MARGIN_MS = 5_000;

export interface WebhookServiceOptions {
  clock: AccountClock;
  /** Real time, ms. */
  now: () => number;
  uuid: () => string;
  post: Post;
  answerStore: AnswerStore;
  warn: (message: string) => void;
}

/**
 * The Notifications API's webhooks and keys and the delivery of webhooks: in this process, or, when the answers live
 * in Redis (`store`), in that Redis too, shared by every instance (docs/guides/scale-out.md).
 */
export function webhookServices(
  config: MockConfig,
  options: WebhookServiceOptions,
): { notifications: NotificationStore; webhooks: Webhooks } {
  const { clock, uuid, warn } = options;
  const accountNow = (account: string) => clock.now(account);
  const onError = (message: string) => warn(`webhooks: ${message}`);
  const limits = {
    entriesPerAccount: DEFAULT_DELIVERIES_PER_ACCOUNT,
    pendingBytesPerAccount: config.webhookPendingBytesPerAccount,
  };
  const redis = options.answerStore instanceof RedisAnswerStore ? options.answerStore.client : undefined;
  const notifications: NotificationStore =
    redis === undefined
      ? new NotificationRegistry({ now: accountNow, uuid })
      : new RedisNotificationStore(redis, {
          now: accountNow,
          uuid,
          secret: () => randomBytes(32).toString('base64url'),
          ttlMs: redisWebhookTtls(config).settingsMs,
          onError,
        });
  // An event about one account reaches the webhooks of every account that hears of it.
  const addressed = (account: string, recipient: string, targets: WebhookTarget[]) =>
    targets.map((target): WebhookTarget => (recipient === account ? target : { ...target, recipient }));
  if (redis === undefined) {
    const registry = notifications as NotificationRegistry;
    const webhooks = new WebhookDispatcher({
      now: accountNow,
      uuid,
      post: options.post,
      horizonMs: config.webhookRetryHorizonMs,
      maxPendingBytesPerAccount: config.webhookPendingBytesPerAccount,
      maxPendingBytes: config.webhookPendingBytes,
      maxFinished: config.webhookFinishedDeliveries,
      maxFinishedBytes: config.webhookFinishedBytes,
      onError,
      targets: (account, eventType) =>
        registry.empty
          ? []
          : eventRecipients(account, config).flatMap((recipient) =>
              addressed(account, recipient, registry.targets(recipient, eventType)),
            ),
    });
    return { notifications, webhooks };
  }
  const schedule = new RedisDeliverySchedule(redis, { ttls: redisWebhookTtls(config), limits, onError });
  const reader = new RedisEventTargets(redis, { onError });
  const eventTargets = async (account: string, eventType: string) => {
    const { subscription, byRecipient } = await reader.read(account, eventRecipients(account, config), eventType);
    return { subscription, targets: byRecipient.flatMap(([recipient, found]) => addressed(account, recipient, found)) };
  };
  const webhooks = new SharedWebhookDispatcher({
    schedule,
    now: accountNow,
    realNow: options.now,
    uuid,
    post: options.post,
    horizonMs: config.webhookRetryHorizonMs,
    leaseMs: config.webhookTimeoutMs + LEASE_MARGIN_MS,
    limits,
    onError,
    eventTargets,
  });
  return { notifications, webhooks };
}
