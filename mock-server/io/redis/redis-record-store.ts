import type {
  PaymentRequestStore,
  PreparedPut,
  PutOptions,
  RecordStore,
  Versioned,
} from '../../core/store/record-store.js';
import { deleteByPrefix, parseJson, type RedisClient, RedisGuard } from './redis-commands.js';
import { accountKeys, DEFAULT_NAMESPACE, recordOwnerKey } from './redis-keys.js';
import { PUT_RECORD } from './redis-scripts.js';

/** Beyond the record's own window (its keepUntil): Redis keeps it this much longer, garbage collection only. */
const MARGIN_MS = 60 * 60 * 1000;
/** Accounts with due records this process remembers for its sweep over all accounts; the oldest go beyond it. */
const MAX_DUE_ACCOUNTS = 10_000;

export interface RedisRecordStoreOptions {
  /** `prq` (payment requests) or `trx` (transactions): the keys' infix. */
  kind: string;
  /** Per account: the oldest records go beyond this many, or beyond this many bytes of JSON. */
  maxEntries: number;
  maxBytes: number;
  namespace?: string | undefined;
  onError?: ((message: string) => void) | undefined;
}

interface Scripts {
  kmPutRecord(...args: (string | number)[]): Promise<number>;
}

/**
 * One kind of record in Redis, one server or a Cluster (docs/simulator-choices.md#shared-store): a hash per record
 * (`v` its version, `r` its JSON) under the account's hash tag, beside a sorted set of when each may come due (the
 * expiry a clock move announces) and the bounds' bookkeeping. A write is one Lua script (PUT_RECORD): compare the
 * version, write, index, evict the account's oldest over the caps, set the TTLs. Every failure of Redis is the
 * catalogue's `storeUnavailable` (503).
 */
class RedisRecordStore<T extends Versioned> implements RecordStore<T> {
  readonly kind = 'redis';
  protected readonly namespace: string;
  protected readonly guard: RedisGuard;
  private readonly scripts: Scripts;
  /** Accounts this process wrote due records for (Set order: the oldest first). */
  private readonly dueBy = new Set<string>();

  constructor(
    protected readonly client: RedisClient,
    protected readonly options: RedisRecordStoreOptions,
  ) {
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.guard = new RedisGuard(options.onError);
    client.defineCommand('kmPutRecord', { numberOfKeys: 4, lua: PUT_RECORD });
    this.scripts = client as unknown as Scripts;
  }

  private keys(account: string) {
    const keys = accountKeys(this.namespace, account);
    const { kind } = this.options;
    return {
      prefix: `${keys.prefix}${kind}`,
      record: (id: string) => keys.record(kind, id),
      due: keys.recordIndex(kind, 'due'),
      order: keys.recordIndex(kind, 'order'),
      meta: keys.recordIndex(kind, 'meta'),
    };
  }

  async get(account: string, id: string): Promise<T | undefined> {
    const text = await this.guard.run('read', () => this.client.hget(this.keys(account).record(id), 'r'));
    return parseJson<T>(text);
  }

  async put(account: string, id: string, record: T, options: PutOptions): Promise<T | undefined> {
    const { written, instructions, done } = this.prepared(account, id, record, options);
    const { keys, args } = instructions;
    const version = await this.guard.run('write', () => this.scripts.kmPutRecord(...keys, ...args));
    if (version === 0) return undefined;
    done();
    return written;
  }

  /** PUT_RECORD's four keys and eight arguments, for this store's script or inside the answer store's commit. */
  protected prepared(account: string, id: string, record: T, options: PutOptions): PreparedPut<T> {
    const keys = this.keys(account);
    const written = { ...record, version: record.version + 1 };
    const ttlMs = Math.max(0, Math.ceil(options.keepUntil - options.now)) + MARGIN_MS;
    return {
      written,
      instructions: {
        keys: [keys.record(id), keys.due, keys.order, keys.meta],
        args: [
          record.version,
          JSON.stringify(written),
          ttlMs,
          options.dueAt ?? '',
          id,
          this.options.maxEntries,
          this.options.maxBytes,
          keys.record(''),
        ],
      },
      done: () => {
        if (options.dueAt !== undefined) this.rememberDue(account);
      },
    };
  }

  private rememberDue(account: string): void {
    this.dueBy.delete(account);
    this.dueBy.add(account);
    for (const oldest of this.dueBy) {
      if (this.dueBy.size <= MAX_DUE_ACCOUNTS) break;
      this.dueBy.delete(oldest);
    }
  }

  async due(account: string, now: number): Promise<string[]> {
    const { due } = this.keys(account);
    const [ids, left] = await this.guard.run('read', () =>
      Promise.all([this.client.zrangebyscore(due, '-inf', now), this.client.zcard(due)]),
    );
    if (left === 0) this.dueBy.delete(account);
    return ids;
  }

  dueAccounts(): string[] {
    return [...this.dueBy];
  }

  async resetAccount(account: string): Promise<void> {
    this.dueBy.delete(account);
    await this.guard.run('reset', () => deleteByPrefix(this.client, this.keys(account).prefix));
  }
}

/** Payment requests, each also found by its id alone through an owner key (SET before the record is written). */
class RedisPaymentRequestStore<T extends Versioned> extends RedisRecordStore<T> implements PaymentRequestStore<T> {
  override async put(account: string, id: string, record: T, options: PutOptions): Promise<T | undefined> {
    if (record.version === 0) {
      const ttlMs = Math.max(0, Math.ceil(options.keepUntil - options.now)) + MARGIN_MS;
      const owner = recordOwnerKey(this.namespace, this.options.kind, id);
      await this.guard.run('write', () => this.client.set(owner, account, 'PX', ttlMs));
    }
    return super.put(account, id, record, options);
  }

  accountOf(id: string): Promise<string | undefined> {
    const owner = recordOwnerKey(this.namespace, this.options.kind, id);
    return this.guard.run('read', async () => (await this.client.get(owner)) ?? undefined);
  }
}

export function redisPaymentRequestStore<T extends Versioned>(
  client: RedisClient,
  options: Omit<RedisRecordStoreOptions, 'kind'>,
): PaymentRequestStore<T> {
  return new RedisPaymentRequestStore<T>(client, { ...options, kind: 'prq' });
}

/**
 * Payment transactions, whose creation can be prepared to run inside the answer's commit (a payment request's first
 * write cannot: its owner key lives outside the account's slot).
 */
class RedisTransactionStore<T extends Versioned> extends RedisRecordStore<T> {
  prepare(account: string, id: string, record: T, options: PutOptions): PreparedPut<T> {
    return this.prepared(account, id, record, options);
  }
}

export function redisTransactionStore<T extends Versioned>(
  client: RedisClient,
  options: Omit<RedisRecordStoreOptions, 'kind'>,
): RecordStore<T> {
  return new RedisTransactionStore<T>(client, { ...options, kind: 'trx' });
}
