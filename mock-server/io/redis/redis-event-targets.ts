import type { WebhookSubscription } from '../../../contracts/index.js';
import { eventTargetsOf, type SigningKeyRecord, type WebhookRecord } from '../../core/webhooks/notification-records.js';
import type { WebhookTarget } from '../../core/webhooks/webhook-dispatcher.js';
import { defineScripts, parseJsonList, type RedisClient, RedisGuard } from './redis-commands.js';
import { DEFAULT_NAMESPACE } from './redis-keys.js';
import { notificationKeys, webhookKeys } from './redis-webhook-keys.js';
import { EVENT_TARGETS } from './redis-webhook-scripts.js';

/** The subject account's subscription, and per recipient account the targets of its webhooks that want the event. */
export interface RecipientTargets {
  subscription: WebhookSubscription | undefined;
  byRecipient: [recipient: string, targets: WebhookTarget[]][];
}

type EventTargetsScript = (...args: (string | number)[]) => Promise<[string, ...(string | null)[][]]>;

/**
 * Who hears of an event, read in one script: the subject account's webhook subscription and the Notifications API
 * webhooks (with their signing keys) of every recipient account. On one Redis server that is one round trip where
 * there were three; on a Cluster each recipient account is a slot of its own, read in parallel.
 */
export class RedisEventTargets {
  private readonly namespace: string;
  private readonly scripts: { kmEventTargets: EventTargetsScript };
  private readonly guard: RedisGuard;

  constructor(
    private readonly client: RedisClient,
    options: { namespace?: string; onError?: (message: string) => void } = {},
  ) {
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.guard = new RedisGuard(options.onError);
    this.scripts = defineScripts<{ kmEventTargets: EventTargetsScript }>(client, { kmEventTargets: EVENT_TARGETS });
  }

  /** The subscription of `account`, and for each recipient (in order) the targets of its webhooks that want the event. */
  async read(account: string, recipients: readonly string[], eventType: string): Promise<RecipientTargets> {
    const subscription = webhookKeys(this.namespace, account).subscription;
    const notify = (recipient: string) => notificationKeys(this.namespace, recipient);
    const groups = this.client.isCluster
      ? recipients.map((recipient, i) => (i === 0 ? [subscription, ...notify(recipient)] : notify(recipient)))
      : [[subscription, ...recipients.flatMap(notify)]];
    const replies = await this.guard.run('read', () =>
      Promise.all(groups.map((keys, i) => this.scripts.kmEventTargets(keys.length, ...keys, i === 0 ? '1' : '0'))),
    );
    const text = replies[0]?.[0] ?? '';
    const lists = replies.flatMap((reply) => reply.slice(1) as (string | null)[][]);
    const byRecipient = recipients.map((recipient, i): [string, WebhookTarget[]] => [
      recipient,
      eventTargetsOf(
        parseJsonList<WebhookRecord>(lists[2 * i]),
        parseJsonList<SigningKeyRecord>(lists[2 * i + 1]),
        eventType,
      ),
    ]);
    return { subscription: text === '' ? undefined : (JSON.parse(text) as WebhookSubscription), byRecipient };
  }
}
