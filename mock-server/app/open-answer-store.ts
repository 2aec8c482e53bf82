import type { ArmedScenarioLimits, MockConfig } from '../core/config.js';
import type { JournalLimits } from '../core/journal/journal.js';
import type { JournalStore } from '../core/journal/journal-store.js';
import type { AnswerStore } from '../core/store/answer-store.js';
import { parseStoreLocation } from '../core/store/store-location.js';
import { openRedisStore } from '../io/redis/open-redis-store.js';
import { RedisAnswerStore, redisTtls } from '../io/redis/redis-answer-store.js';
import { RedisClockOffsets } from '../io/redis/redis-clock-offsets.js';
import { RedisJournal } from '../io/redis/redis-journal.js';
import { redisPaymentRequestStore, redisTransactionStore } from '../io/redis/redis-record-store.js';
import { RedisScenarioStore } from '../io/redis/redis-scenario-store.js';
import type { SharedRecords } from './services.js';

/**
 * The answer store the settings name (`store`): undefined for `memory` (buildApp makes its own), else a Redis store
 * that has answered PING; a Redis that cannot be reached rejects with StoreUnreachable, which the command line turns
 * into exit code 2.
 */
export async function openAnswerStore(
  config: Pick<MockConfig, 'store' | 'idempotencyWindowMs' | 'sessionTokenTtlMs' | 'paymentRequestTtlMs'>,
  warn: (message: string) => void,
): Promise<RedisAnswerStore | undefined> {
  const location = parseStoreLocation(config.store);
  // The settings were parsed already, which refuses a bad location: this is only the type's narrowing.
  if ('error' in location) throw new Error(`store: ${location.error}`);
  if (location.kind === 'memory') return undefined;
  return openRedisStore(config.store, location, { ttls: redisTtls(config), warn });
}

/**
 * Payment requests and transactions beside the answers, when those are in Redis: on the same connection and
 * namespace, each kind capped per account by the memory store's caps (`maxStoredResponses`, `storeMaxBytes`).
 */
export function sharedRecords(
  answerStore: AnswerStore | undefined,
  config: Pick<MockConfig, 'maxStoredResponses' | 'storeMaxBytes'>,
  warn: (message: string) => void,
): SharedRecords | undefined {
  if (!(answerStore instanceof RedisAnswerStore)) return undefined;
  const options = {
    maxEntries: config.maxStoredResponses,
    maxBytes: config.storeMaxBytes,
    namespace: answerStore.namespace,
    onError: warn,
  };
  return {
    paymentRequests: redisPaymentRequestStore(answerStore.client, options),
    transactions: redisTransactionStore(answerStore.client, options),
  };
}

/**
 * The shared stores beside the answer store, over its Redis connection: armed scenarios with their counts and draws,
 * and the account clocks. None over the memory store (the engine and the clock keep their own).
 */
export function sharedScenarioState(
  answerStore: AnswerStore | undefined,
  { seed, limits }: { seed: string; limits: ArmedScenarioLimits },
  warn: (message: string) => void,
): { scenarios: RedisScenarioStore; clock: RedisClockOffsets } | undefined {
  if (!(answerStore instanceof RedisAnswerStore)) return undefined;
  const { client, namespace } = answerStore;
  const scenarios = new RedisScenarioStore(client, { seed, limits, namespace, onError: warn });
  return { scenarios, clock: new RedisClockOffsets(client, namespace, warn, scenarios) };
}

/**
 * The request journal beside a shared answer store: in the same Redis, over the same connection, so that every
 * instance reads one journal. Undefined for the memory store (buildServices makes the memory journal).
 */
export function sharedJournal(
  answerStore: AnswerStore | undefined,
  warn: (message: string) => void,
): ((limits: JournalLimits) => JournalStore) | undefined {
  if (!(answerStore instanceof RedisAnswerStore)) return undefined;
  return (limits) => new RedisJournal(answerStore.client, { limits, warn, namespace: answerStore.namespace });
}
