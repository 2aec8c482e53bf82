import type { MockConfig } from '../core/config.js';
import type { JournalLimits } from '../core/journal/journal.js';
import type { JournalStore } from '../core/journal/journal-store.js';
import type { AnswerStore } from '../core/store/answer-store.js';
import { parseStoreLocation } from '../core/store/store-location.js';
import { openRedisStore } from '../io/redis/open-redis-store.js';
import { RedisAnswerStore, redisTtls } from '../io/redis/redis-answer-store.js';
import { RedisJournal } from '../io/redis/redis-journal.js';

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
 * The request journal beside a shared answer store: in the same Redis, over the same connection, so that every
 * instance reads one journal. Undefined for the memory store (buildServices makes the memory journal).
 */
export function sharedJournal(
  answerStore: AnswerStore | undefined,
  warn: (message: string) => void,
): ((limits: JournalLimits) => JournalStore) | undefined {
  if (!(answerStore instanceof RedisAnswerStore)) return undefined;
  return (limits) => new RedisJournal(answerStore.client, { limits, warn });
}
