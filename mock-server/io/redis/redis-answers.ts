import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import type { Cluster, Redis } from 'ioredis';
import type { CustomerToken } from '../../../contracts/index.js';
import { catalogue } from '../../core/error-catalogue.js';
import type { IssuedToken, StoredResponse } from '../../core/idempotency.js';
import { accountKeys, DEFAULT_NAMESPACE } from './redis-keys.js';
import { CLAIM, COMMIT, RELEASE } from './redis-scripts.js';

export type RedisClient = Redis | Cluster;

/** What one request sends that makes it answer once: its idempotency key and the session token it binds. */
export interface AnswerIds {
  key?: string | undefined;
  token?: string | undefined;
}

/** A claim this instance holds: its effects are written by `commit` only while every lease is still its own. */
export interface RedisLease {
  account: string;
  owner: string;
  leaseKeys: string[];
}

export type RedisClaim =
  /** An answer is stored under the key or the token: the core decides replay or conflict (or claims with force). */
  | { kind: 'stored'; keyRecord: StoredResponse | undefined; tokenRecord: StoredResponse | undefined }
  | { kind: 'claimed'; lease: RedisLease }
  /** Another request holds the key or the token for `remainingMs` more at most. */
  | { kind: 'held'; remainingMs: number };

/** Everything one request leaves behind, written at once by `commit`. */
export interface AnswerEffects {
  /** The answer, stored under the key (replacing) and under the token (only when none is stored yet). */
  answer?: { ids: AnswerIds; stored: StoredResponse };
  sessionTokens?: { token: string; issued: IssuedToken }[];
  customerTokens?: CustomerToken[];
}

/** How long Redis keeps each record (real time): garbage collection only, never shorter than its window. */
export interface RedisTtls {
  answerMs: number;
  tokenAnswerMs: number;
  issuedTokenMs: number;
  customerTokenMs: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The TTLs from the settings' windows, each with a margin; the core still judges every record on the account clock. */
export function redisTtls(config: {
  idempotencyWindowMs: number;
  sessionTokenTtlMs: number;
  paymentRequestTtlMs: number;
}): RedisTtls {
  const issued = Math.max(config.sessionTokenTtlMs, config.paymentRequestTtlMs) + 60 * MINUTE;
  return {
    answerMs: config.idempotencyWindowMs + MINUTE,
    tokenAnswerMs: config.sessionTokenTtlMs + config.idempotencyWindowMs + MINUTE,
    issuedTokenMs: issued,
    customerTokenMs: 30 * DAY,
  };
}

export interface RedisAnswersOptions {
  ttls: RedisTtls;
  namespace?: string;
  /** Hears each Redis failure (the request itself gets the catalogue's 503). */
  onError?: (message: string) => void;
  /** A waiter looks again this often at most (it starts sooner and backs off). */
  maxPollMs?: number;
}

interface Scripts {
  kmClaim(...args: (string | number)[]): Promise<string[]>;
  kmCommit(...args: (string | number)[]): Promise<string>;
  kmRelease(...args: (string | number)[]): Promise<number>;
}

/**
 * Authorize's answers and tokens in Redis, one server or a Cluster (docs/guides/scale-out.md): claim (the stored
 * answers, or leases), commit (fenced by the leases), release, and waiting while another instance holds a claim.
 * Every failure of Redis is the catalogue's `storeUnavailable` (503): nothing was decided, so a retry is safe.
 */
export class RedisAnswers {
  private readonly namespace: string;
  private readonly maxPollMs: number;
  private readonly scripts: Scripts;

  constructor(
    readonly client: RedisClient,
    private readonly options: RedisAnswersOptions,
  ) {
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.maxPollMs = options.maxPollMs ?? 50;
    // defineCommand sends EVALSHA, and the script itself again after a NOSCRIPT (a restarted Redis forgets them).
    client.defineCommand('kmClaim', { lua: CLAIM });
    client.defineCommand('kmCommit', { lua: COMMIT });
    client.defineCommand('kmRelease', { lua: RELEASE });
    this.scripts = client as unknown as Scripts;
  }

  private keys(account: string) {
    return accountKeys(this.namespace, account);
  }

  /** Runs one Redis operation; any failure of Redis is answered as the catalogue's 503. */
  private async guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      this.options.onError?.(`the Redis store failed (${what}): ${(error as Error).message}`);
      throw catalogue.storeUnavailable();
    }
  }

  /**
   * The answers stored under the key and the token, unless `force` (the core found them outside their window);
   * else a lease on each id sent for `leaseMs`, or `held` when another request holds one. Nothing sent: `claimed`
   * with no lease, as there is nothing to answer once.
   */
  async claim(account: string, ids: AnswerIds, options: { leaseMs: number; force?: boolean }): Promise<RedisClaim> {
    const keys = this.keys(account);
    const owner = randomUUID();
    const leaseKeys: string[] = [];
    if (ids.key !== undefined) leaseKeys.push(keys.keyLease(ids.key));
    if (ids.token !== undefined) leaseKeys.push(keys.tokenLease(ids.token));
    if (leaseKeys.length === 0) return { kind: 'claimed', lease: { account, owner, leaseKeys } };
    const scriptKeys = [
      ids.key === undefined ? keys.none : keys.idem(ids.key),
      ids.token === undefined ? keys.none : keys.tok(ids.token),
      ...leaseKeys,
    ];
    const answer = await this.guarded('claim', () =>
      this.scripts.kmClaim(
        scriptKeys.length,
        ...scriptKeys,
        owner,
        Math.max(1, Math.ceil(options.leaseMs)),
        options.force ? '1' : '0',
        ids.key === undefined ? '0' : '1',
        ids.token === undefined ? '0' : '1',
      ),
    );
    if (answer[0] === 'stored') {
      return { kind: 'stored', keyRecord: parseStored(answer[1]), tokenRecord: parseStored(answer[2]) };
    }
    if (answer[0] === 'held') return { kind: 'held', remainingMs: Math.max(0, Number(answer[1])) };
    return { kind: 'claimed', lease: { account, owner, leaseKeys } };
  }

  /**
   * Writes the effects at once, only if every lease is still this claim's (else `lease-lost`: another request may
   * have claimed meanwhile, and nothing is written), and lets the leases go. Without a lease the writes are unfenced.
   */
  async commit(account: string, lease: RedisLease | undefined, effects: AnswerEffects): Promise<'committed' | 'lease-lost'> {
    const keys = this.keys(account);
    const writes: { key: string; value: string; ttlMs: number; mode: 'set' | 'nx' }[] = [];
    const { answer } = effects;
    if (answer !== undefined) {
      const value = JSON.stringify(answer.stored);
      if (answer.ids.key !== undefined) {
        writes.push({ key: keys.idem(answer.ids.key), value, ttlMs: this.options.ttls.answerMs, mode: 'set' });
      }
      if (answer.ids.token !== undefined) {
        writes.push({ key: keys.tok(answer.ids.token), value, ttlMs: this.options.ttls.tokenAnswerMs, mode: 'nx' });
      }
    }
    for (const { token, issued } of effects.sessionTokens ?? []) {
      const value = JSON.stringify(issued);
      writes.push({ key: keys.issued(token), value, ttlMs: this.options.ttls.issuedTokenMs, mode: 'set' });
    }
    for (const token of effects.customerTokens ?? []) {
      const value = JSON.stringify(token.scopes);
      writes.push({ key: keys.ctok(token.customer_token), value, ttlMs: this.options.ttls.customerTokenMs, mode: 'set' });
    }
    const leaseKeys = lease?.leaseKeys ?? [];
    if (writes.length === 0 && leaseKeys.length === 0) return 'committed';
    const scriptKeys = [...leaseKeys, ...writes.map((write) => write.key)];
    const args = writes.flatMap((write) => [write.value, write.ttlMs, write.mode]);
    const result = await this.guarded('commit', () =>
      this.scripts.kmCommit(scriptKeys.length, ...scriptKeys, lease?.owner ?? '', leaseKeys.length, ...args),
    );
    return result === 'committed' ? 'committed' : 'lease-lost';
  }

  /** Lets a claim go without an answer (errors are never stored: the next retry runs afresh). */
  async release(lease: RedisLease): Promise<void> {
    if (lease.leaseKeys.length === 0) return;
    await this.guarded('release', () =>
      this.scripts.kmRelease(lease.leaseKeys.length, ...lease.leaseKeys, lease.owner),
    );
  }

  /**
   * Waits while another request holds a lease on these ids, at most `maxMs` (the lease's remaining time): then the
   * caller claims again and finds the answer, or takes the lease the holder lost. Bounded polling, which works the
   * same on one server and on a Cluster; it starts at 2 ms and backs off to `maxPollMs`.
   */
  async waitWhileHeld(account: string, ids: AnswerIds, maxMs: number): Promise<void> {
    const keys = this.keys(account);
    const leaseKeys: string[] = [];
    if (ids.key !== undefined) leaseKeys.push(keys.keyLease(ids.key));
    if (ids.token !== undefined) leaseKeys.push(keys.tokenLease(ids.token));
    if (leaseKeys.length === 0) return;
    const deadline = Date.now() + maxMs;
    let poll = 2;
    while (Date.now() < deadline) {
      await pause(Math.min(poll, Math.max(1, deadline - Date.now())));
      poll = Math.min(poll * 2, this.maxPollMs);
      const held = await this.guarded('wait', () => this.client.exists(...leaseKeys));
      if (held === 0) return;
    }
  }

  async keyRecord(account: string, key: string): Promise<StoredResponse | undefined> {
    return parseStored(await this.guarded('read', () => this.client.get(this.keys(account).idem(key))));
  }

  async tokenRecord(account: string, token: string): Promise<StoredResponse | undefined> {
    return parseStored(await this.guarded('read', () => this.client.get(this.keys(account).tok(token))));
  }

  async issuedToken(account: string, token: string): Promise<IssuedToken | undefined> {
    const text = await this.guarded('read', () => this.client.get(this.keys(account).issued(token)));
    return text === null ? undefined : (JSON.parse(text) as IssuedToken);
  }

  async issuedCustomerToken(account: string, token: string): Promise<CustomerToken['scopes'] | undefined> {
    const text = await this.guarded('read', () => this.client.get(this.keys(account).ctok(token)));
    return text === null ? undefined : (JSON.parse(text) as CustomerToken['scopes']);
  }

  /** Forgets one account's answers, tokens and leases: a SCAN of its prefix on every master. */
  async resetAccount(account: string): Promise<void> {
    const match = `${globEscape(this.keys(account).prefix)}*`;
    const masters = 'nodes' in this.client ? this.client.nodes('master') : [this.client];
    await this.guarded('reset', async () => {
      for (const node of masters) {
        let cursor = '0';
        do {
          const [next, found] = await node.scan(cursor, 'MATCH', match, 'COUNT', 500);
          cursor = next;
          // One key at a time: a Cluster refuses a multi-key DEL across slots, and one account is one slot anyway.
          for (const key of found) await node.del(key);
        } while (cursor !== '0');
      }
    });
  }

  /** PING, for the start-up check. */
  async ping(): Promise<string> {
    return this.client.ping();
  }

  quit(): void {
    this.client.disconnect();
  }
}

/** A stored answer as written: JSON keeps the body string exactly, so the replay is byte for byte. */
function parseStored(text: string | null | undefined): StoredResponse | undefined {
  return text === null || text === undefined || text === '' ? undefined : (JSON.parse(text) as StoredResponse);
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
