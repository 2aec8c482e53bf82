import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../mock-server/core/webhooks/account-webhooks.js';
import type { ScheduledDelivery } from '../../mock-server/core/webhooks/delivery-schedule.js';
import { MAX_SIGNING_KEYS } from '../../mock-server/core/webhooks/notification-registry.js';
import { RedisDeliverySchedule, redisWebhookTtls } from '../../mock-server/io/redis/redis-delivery-schedule.js';
import { RedisEventTargets } from '../../mock-server/io/redis/redis-event-targets.js';
import { RedisNotificationStore } from '../../mock-server/io/redis/redis-notification-store.js';
import { notificationKeys, webhookKeys } from '../../mock-server/io/redis/redis-webhook-keys.js';
import {
  machineRedis,
  needsRedis,
  type RedisCluster,
  type RedisServer,
  startRedis,
  startRedisCluster,
} from '../support/redis-server.js';

// The shared webhook state in real Redis (docs/guides/scale-out.md), through three connections as three instances
// would hold them: what one writes the others read, the caps hold under concurrency, each due attempt is claimed by
// exactly one, an attempt whose lease expired is claimed again, and every key expires.

const TTLS = redisWebhookTtls({ webhookRetryHorizonMs: 12 * 3_600_000 });
const LIMITS = { entriesPerAccount: 1000, pendingBytesPerAccount: 4 * 1024 * 1024 };
const NOW = 1_765_000_000_000;
/** An account whose id holds every character the hash tag escapes. */
const ODD = 'krn:partner:odd}{%7D:account';

let counter = 0;
/** A fresh account per test: the tests share one server. */
const fresh = (name: string) => `krn:partner:global:account:test:${name}-${process.pid}-${++counter}`;

const event = (id: string, url = 'http://127.0.0.1:9/hook'): OutgoingEvent => ({
  eventId: id,
  eventType: 'payment.request.state-change.completed',
  url,
  body: JSON.stringify({ metadata: { event_id: id }, note: 'Grüße / \u{1F600}' }),
  signature: 'ab'.repeat(32),
  signingKeyId: 'krn:partner:global:notification:signing-key:k',
});

describe.each([
  ['one redis-server', 'single'],
  ['a Redis Cluster of three masters', 'cluster'],
] as const)('the shared webhook state on %s', (_, topology) => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let cluster: RedisCluster | undefined;
  let clients: (Redis | Cluster)[] = [];

  beforeAll(async () => {
    if (machineRedis()) return;
    if (topology === 'single') server = await startRedis();
    else cluster = await startRedisCluster();
    clients = [0, 1, 2].map(() => (server ? server.client() : (cluster as RedisCluster).client()));
  }, 30_000);
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
    await cluster?.stop();
  });

  let uuids = 0;
  const notifications = () =>
    clients.map(
      (client) =>
        new RedisNotificationStore(client, {
          now: () => NOW,
          uuid: () => `uuid-${process.pid}-${++uuids}`,
          secret: () => `secret-${uuids}`,
          ttlMs: TTLS.settingsMs,
        }),
    );
  const schedules = (limits = LIMITS) =>
    clients.map((client) => new RedisDeliverySchedule(client, { ttls: TTLS, limits }));
  const first = <T>(list: T[]): T => {
    const found = list[0];
    if (found === undefined) throw new Error('empty');
    return found;
  };

  it('shows keys and webhooks made through one connection through the others, and forgets them on reset', async () => {
    const [a, b, c] = notifications() as [RedisNotificationStore, RedisNotificationStore, RedisNotificationStore];
    const account = topology === 'single' ? ODD : fresh('shared');
    const key = await a.createSigningKey(account);
    expect(key.signing_key).toMatch(/^secret-/);
    expect(await b.signingKeys(account)).toEqual([{ signing_key_id: key.signing_key_id, created_at: key.created_at }]);
    const hook = await b.createWebhook(account, {
      url: 'https://partner.example/hook',
      event_types: ['payment.request.*'],
      event_version: 'v2',
      signing_key_id: key.signing_key_id,
      status: 'ENABLED',
    });
    const second = await c.createWebhook(account, {
      url: 'https://partner.example/other',
      event_types: ['payment.transaction.captured'],
      event_version: 'v2',
      signing_key_id: key.signing_key_id,
      status: 'ENABLED',
    });
    expect((await a.webhooks(account)).map((w) => w.webhook_id)).toEqual([hook.webhook_id, second.webhook_id]);
    const targets = async (client: Redis | Cluster | undefined) => {
      const read = await new RedisEventTargets(client as Redis).read(account, [account], eventType);
      return read.byRecipient.flatMap(([, found]) => found);
    };
    const eventType = 'payment.request.state-change.completed';
    expect(await targets(clients[2])).toEqual([
      {
        webhookId: hook.webhook_id,
        url: hook.url,
        signingKeyId: key.signing_key_id,
        signingKey: key.signing_key,
      },
    ]);
    const updated = await c.updateWebhook(account, hook.webhook_id, { status: 'DISABLED' });
    expect(updated.status).toBe('DISABLED');
    expect((await a.webhook(account, hook.webhook_id)).status).toBe('DISABLED');
    expect(await targets(clients[0])).toEqual([]);
    await expect(Promise.resolve().then(() => b.deleteSigningKey(account, key.signing_key_id))).rejects.toMatchObject({
      statusCode: 409,
      errorCode: 'RESOURCE_CONFLICT',
    });
    await a.deleteWebhook(account, hook.webhook_id);
    await expect(Promise.resolve().then(() => b.webhook(account, hook.webhook_id))).rejects.toMatchObject({
      statusCode: 404,
    });
    await b.reset(account);
    expect(await c.signingKeys(account)).toEqual([]);
    expect(await c.webhooks(account)).toEqual([]);
  });

  it('reads who hears of an event at once: the subscription, and the webhooks of each recipient that want it', async () => {
    const [a, b] = notifications() as [RedisNotificationStore, RedisNotificationStore];
    const account = fresh('HEARS');
    const eventType = 'payment.transaction.state-change.authorized';
    const reader = new RedisEventTargets(clients[1] as Redis);
    const nobody = await reader.read(account, [account, ODD], eventType);
    expect(nobody).toEqual({
      subscription: undefined,
      byRecipient: [
        [account, []],
        [ODD, []],
      ],
    });
    const subscription = {
      account,
      url: 'http://127.0.0.1:9/admin',
      webhook_id: 'krn:partner:global:notification:webhook:admin',
      signing_key_id: 'krn:partner:global:notification:signing-key:admin',
      signing_key: 'admin-secret',
    };
    await first(schedules()).setSubscription(account, subscription);
    const own = await a.createSigningKey(account);
    const wants = { event_types: ['payment.transaction.*'], event_version: 'v2' as const, status: 'ENABLED' as const };
    const hook = await a.createWebhook(account, {
      ...wants,
      url: 'https://own.example/h',
      signing_key_id: own.signing_key_id,
    });
    // Not for this event type, and disabled: neither hears of it.
    await a.createWebhook(account, {
      ...wants,
      event_types: ['payment.request.*'],
      url: 'https://own.example/other',
      signing_key_id: own.signing_key_id,
    });
    await a.createWebhook(account, {
      ...wants,
      status: 'DISABLED',
      url: 'https://own.example/off',
      signing_key_id: own.signing_key_id,
    });
    const odd = await b.createSigningKey(ODD);
    const oddHook = await b.createWebhook(ODD, {
      ...wants,
      url: 'https://odd.example/h',
      signing_key_id: odd.signing_key_id,
    });
    const read = await reader.read(account, [account, ODD], eventType);
    expect(read.subscription).toEqual(subscription);
    expect(read.byRecipient).toEqual([
      [
        account,
        [{ webhookId: hook.webhook_id, url: hook.url, signingKeyId: own.signing_key_id, signingKey: own.signing_key }],
      ],
      [
        ODD,
        [
          {
            webhookId: oddHook.webhook_id,
            url: oddHook.url,
            signingKeyId: odd.signing_key_id,
            signingKey: odd.signing_key,
          },
        ],
      ],
    ]);
    await b.reset(ODD);
    expect((await reader.read(account, [account, ODD], eventType)).byRecipient[1]).toEqual([ODD, []]);
    if (topology !== 'single') return;
    // On one server: one script for the subscription and both accounts' webhooks.
    const calls = async () =>
      Number(/cmdstat_evalsha:calls=(\d+)/.exec(await (clients[0] as Redis).info('commandstats'))?.[1]);
    const before = await calls();
    await reader.read(account, [account, ODD], eventType);
    expect((await calls()) - before).toBe(1);
  });

  it(`keeps at most ${MAX_SIGNING_KEYS} signing keys per account when three connections create them at once`, async () => {
    const stores = notifications();
    const account = fresh('cap');
    const made = await Promise.allSettled(
      Array.from({ length: MAX_SIGNING_KEYS + 10 }, (_, i) => first(stores.slice(i % 3)).createSigningKey(account)),
    );
    expect(made.filter((result) => result.status === 'fulfilled')).toHaveLength(MAX_SIGNING_KEYS);
    const refused = made.filter((result) => result.status === 'rejected');
    expect(refused).toHaveLength(10);
    expect(refused.map((r) => (r as PromiseRejectedResult).reason.errorCode)).toEqual(
      Array(10).fill('RESOURCE_CONFLICT'),
    );
    expect(await first(stores).signingKeys(account)).toHaveLength(MAX_SIGNING_KEYS);
    const ttls = await Promise.all(notificationKeys('km:', account).map((key) => first(clients).pttl(key)));
    // The counter, the keys and their order exist; the webhooks' hashes do not yet (-2).
    expect(ttls.filter((ttl) => ttl > 0).length).toBe(3);
    for (const ttl of ttls) expect(ttl === -2 || (ttl > TTLS.settingsMs - 60_000 && ttl <= TTLS.settingsMs)).toBe(true);
  });

  it('lets exactly one of many concurrent claims take a due attempt, and none before it is due', async () => {
    const all = schedules();
    const account = fresh('claim');
    const enqueued = await first(all).enqueue(account, [event('e1')], NOW + 1_000, NOW);
    expect(enqueued).toEqual({ queued: 1, dropped: 0, refused: [] });
    expect((await first(all).claim(account, NOW, 'early', 10_000)).kind).toBe('idle');
    const claims = await Promise.all(
      Array.from({ length: 30 }, (_, i) => first(all.slice(i % 3)).claim(account, NOW + 1_000, `owner-${i}`, 10_000)),
    );
    const claimed = claims.filter((claim) => claim.kind === 'claimed');
    expect(claimed).toHaveLength(1);
    expect(claims.filter((claim) => claim.kind === 'busy')).toHaveLength(29);
    const delivery = (claimed[0] as { delivery: ScheduledDelivery }).delivery;
    expect(delivery).toMatchObject({ eventId: 'e1', state: 'pending', attempts: 0, body: event('e1').body });
    const owner = `owner-${claims.indexOf(claimed[0] as (typeof claims)[number])}`;
    // The receiver failed: the retry goes on the schedule once, and no one may claim it before it is due.
    const retried = {
      ...delivery,
      attempts: 1,
      firstAttemptAt: NOW + 1_000,
      lastStatus: 500,
      nextAttemptAt: NOW + 31_000,
    };
    expect(await first(all.slice(1)).complete(account, 'someone-else', retried)).toBe('lease-lost');
    expect(await first(all.slice(2)).complete(account, owner, retried)).toBe('completed');
    expect(await first(all).claim(account, NOW + 30_999, 'x', 10_000)).toEqual({ kind: 'idle', pending: 1 });
    const again = await Promise.all(
      all.map((schedule, i) => schedule.claim(account, NOW + 31_000, `again-${i}`, 10_000)),
    );
    expect(again.map((claim) => claim.kind).sort()).toEqual(['busy', 'busy', 'claimed']);
    const winner = again.findIndex((claim) => claim.kind === 'claimed');
    const delivered = {
      ...retried,
      attempts: 2,
      lastStatus: 200,
      state: 'delivered' as const,
      nextAttemptAt: undefined,
    };
    expect(await first(all).complete(account, `again-${winner}`, delivered)).toBe('completed');
    expect(await first(all.slice(1)).claim(account, NOW + 10_000_000, 'y', 10_000)).toEqual({
      kind: 'idle',
      pending: 0,
    });
    const page = await first(all.slice(2)).page(account, 10, 0);
    expect(page.total).toBe(1);
    expect(page.deliveries).toEqual([
      expect.objectContaining({ eventId: 'e1', state: 'delivered', attempts: 2, lastStatus: 200, charged: 0 }),
    ]);
    expect(page.deliveries[0]?.body).toBeUndefined();
  });

  it('gives an attempt whose lease expired (its instance died) to the next claim', async () => {
    const [a, b] = schedules() as [RedisDeliverySchedule, RedisDeliverySchedule];
    const account = fresh('lease');
    await a.enqueue(account, [event('e-lease')], NOW, NOW);
    const dead = await a.claim(account, NOW, 'dead-instance', 1);
    expect(dead.kind).toBe('claimed');
    // A lease of 1 ms: Redis expires it by itself; the claim is asked again until it has.
    await expect.poll(async () => (await b.claim(account, NOW, 'survivor', 10_000)).kind).toBe('claimed');
    const late = dead.kind === 'claimed' ? { ...dead.delivery, attempts: 1, state: 'delivered' as const } : undefined;
    expect(await a.complete(account, 'dead-instance', late as ScheduledDelivery)).toBe('lease-lost');
  });

  it('bounds an account: finished deliveries make room, pending ones refuse; bytes drop the oldest pending', async () => {
    const [a] = schedules({ entriesPerAccount: 2, pendingBytesPerAccount: 4 * 1024 * 1024 });
    const account = fresh('caps');
    await a?.enqueue(account, [event('p1'), event('p2')], NOW, NOW);
    expect(await a?.enqueue(account, [event('p3')], NOW, NOW)).toEqual({ queued: 0, dropped: 0, refused: ['entries'] });
    const bytes = event('b1').body.length + event('b1').url.length + 1024;
    const [small] = schedules({ entriesPerAccount: 10, pendingBytesPerAccount: 2 * bytes });
    const other = fresh('bytes');
    await small?.enqueue(other, [event('b1'), event('b2')], NOW, NOW);
    expect(await small?.enqueue(other, [event('b3')], NOW, NOW)).toEqual({ queued: 1, dropped: 1, refused: [] });
    const page = await small?.page(other, 10, 0);
    expect(page?.deliveries.map((d) => [d.eventId, d.state])).toEqual([
      ['b1', 'dropped'],
      ['b2', 'pending'],
      ['b3', 'pending'],
    ]);
    expect(page?.deliveries[0]?.lastError).toContain('webhookPendingBytesPerAccount');
  });

  it('puts a TTL from its window on every key of an account and of the list of accounts with work', async () => {
    const [a] = schedules();
    const account = fresh('ttl');
    await a?.enqueue(account, [event('t1')], NOW, NOW);
    const keys = webhookKeys('km:', account).scripted.slice(0, 8);
    const ttls = await Promise.all(keys.map((key) => first(clients).pttl(key)));
    // The finished, held and in-flight sets are empty, so absent (-2); the others expire with the deliveries' window.
    for (const ttl of ttls) {
      expect(ttl === -2 || (ttl > TTLS.deliveriesMs - 60_000 && ttl <= TTLS.deliveriesMs)).toBe(true);
    }
    expect(ttls.filter((ttl) => ttl > 0)).toHaveLength(5);
    expect(await first(clients).pttl('km:{webhook-schedule}:accounts')).toBeGreaterThan(TTLS.deliveriesMs - 60_000);
    expect((await a?.accounts())?.map((entry) => entry.account)).toContain(account);
    await a?.reset(account);
    expect(await Promise.all(webhookKeys('km:', account).all.map((key) => first(clients).exists(key)))).toEqual(
      Array(11).fill(0),
    );
  });
});
