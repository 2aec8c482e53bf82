import { randomUUID } from 'node:crypto';
import { setTimeout as pause } from 'node:timers/promises';
import type { CustomerToken } from '../../../contracts/index.js';
import type { IssuedToken, StoredResponse } from '../../core/idempotency.js';
import type {
  AnswerEffects,
  AnswerIds,
  AnswerStore,
  Claim,
  ClaimOptions,
  CommitResult,
  IssuedTokens,
  Lease,
  StoredAnswers,
} from '../../core/store/answer-store.js';
import type { PreparedPut } from '../../core/store/record-store.js';
import { deleteByPrefix, parseJson, type RedisClient, RedisGuard } from './redis-commands.js';
import { accountKeys, DEFAULT_NAMESPACE } from './redis-keys.js';
import { CLAIM, COMMIT, RELEASE } from './redis-scripts.js';

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
  return {
    answerMs: config.idempotencyWindowMs + MINUTE,
    tokenAnswerMs: config.sessionTokenTtlMs + config.idempotencyWindowMs + MINUTE,
    // An issued token lives as long as its payment request may still be canceled, and its finalization window.
    issuedTokenMs: Math.max(config.sessionTokenTtlMs, config.paymentRequestTtlMs) + 60 * MINUTE,
    customerTokenMs: 30 * DAY,
  };
}

export interface RedisAnswerStoreOptions {
  ttls: RedisTtls;
  /** Prefix of every key (default `km:`), so that a shared Redis can tell ours from others'. */
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

interface Write {
  key: string;
  value: string;
  ttlMs: number;
  mode: 'set' | 'nx';
}

/**
 * Authorize's answers and tokens in Redis, one server or a Cluster (docs/simulator-choices.md#shared-store). Every
 * key carries the account's hash tag (redis-keys.ts), so claim, commit and release are each one Lua script on one
 * node: claim reads the answers and takes the leases, commit writes every effect only while the leases are still its
 * own (fenced). Every failure of Redis is the catalogue's `storeUnavailable` (503): nothing was decided, so a retry
 * is safe.
 */
export class RedisAnswerStore implements AnswerStore {
  readonly kind = 'redis';
  /** Prefix of every key; the other shared stores over this client use it too. */
  readonly namespace: string;
  private readonly maxPollMs: number;
  private readonly scripts: Scripts;
  private readonly guard: RedisGuard;

  constructor(
    readonly client: RedisClient,
    private readonly options: RedisAnswerStoreOptions,
  ) {
    this.namespace = options.namespace ?? DEFAULT_NAMESPACE;
    this.maxPollMs = options.maxPollMs ?? 50;
    this.guard = new RedisGuard(options.onError);
    // defineCommand sends EVALSHA, and the script itself after a NOSCRIPT (a restarted Redis has forgotten it).
    client.defineCommand('kmClaim', { lua: CLAIM });
    client.defineCommand('kmCommit', { lua: COMMIT });
    client.defineCommand('kmRelease', { lua: RELEASE });
    this.scripts = client as unknown as Scripts;
  }

  private keys(account: string) {
    return accountKeys(this.namespace, account);
  }

  private leaseKeys(account: string, ids: AnswerIds): string[] {
    const keys = this.keys(account);
    const leases: string[] = [];
    if (ids.key !== undefined) leases.push(keys.keyLease(ids.key));
    if (ids.token !== undefined) leases.push(keys.tokenLease(ids.token));
    return leases;
  }

  /** Runs Redis operations; any failure of Redis is answered as the catalogue's 503. */
  private guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
    return this.guard.run(what, run);
  }

  async claim(account: string, ids: AnswerIds, options: ClaimOptions): Promise<Claim> {
    const keys = this.keys(account);
    const owner = randomUUID();
    const leases = this.leaseKeys(account, ids);
    const lease: Lease = { account, ids: { key: ids.key, token: ids.token }, owner };
    if (leases.length === 0) return { kind: 'claimed', lease, answers: { key: undefined, token: undefined } };
    const scriptKeys = [
      ids.key === undefined ? keys.none : keys.idem(ids.key),
      ids.token === undefined ? keys.none : keys.tok(ids.token),
      ...leases,
    ];
    const reply = await this.guarded('claim', () =>
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
    if (reply[0] === 'held') return { kind: 'held', retryInMs: Math.max(0, Number(reply[1])) };
    const answers: StoredAnswers = { key: parseStored(reply[1]), token: parseStored(reply[2]) };
    return reply[0] === 'stored' ? { kind: 'stored', answers } : { kind: 'claimed', lease, answers };
  }

  async commit(lease: Lease, effects: AnswerEffects): Promise<CommitResult> {
    const keys = this.keys(lease.account);
    const { ttls } = this.options;
    const writes: Write[] = [];
    if (effects.keyAnswer !== undefined && lease.ids.key !== undefined) {
      const value = JSON.stringify(effects.keyAnswer);
      writes.push({ key: keys.idem(lease.ids.key), value, ttlMs: ttls.answerMs, mode: 'set' });
    }
    if (effects.tokenAnswer !== undefined && lease.ids.token !== undefined) {
      const value = JSON.stringify(effects.tokenAnswer);
      writes.push({ key: keys.tok(lease.ids.token), value, ttlMs: ttls.tokenAnswerMs, mode: 'nx' });
    }
    if (effects.sessionToken !== undefined) writes.push(this.sessionTokenWrite(lease.account, effects.sessionToken));
    if (effects.customerToken !== undefined) writes.push(this.customerTokenWrite(lease.account, effects.customerToken));
    const leases = this.leaseKeys(lease.account, lease.ids);
    const { record } = effects;
    if (writes.length === 0 && leases.length === 0 && record === undefined) return 'committed';
    const result = await this.run('commit', lease.owner, leases, writes, record);
    if (result === 'record-conflict') throw new Error('the record the answer names was written meanwhile');
    if (result !== 'committed') return 'lease-lost';
    record?.done();
    return 'committed';
  }

  private run(
    what: string,
    owner: string,
    leases: string[],
    writes: Write[],
    record?: PreparedPut<unknown>,
  ): Promise<string> {
    const scriptKeys = [...leases, ...writes.map((write) => write.key), ...(record?.instructions.keys ?? [])];
    const args = writes.flatMap((write) => [write.value, write.ttlMs, write.mode]);
    if (record !== undefined) args.push(...record.instructions.args);
    const counts = [leases.length, writes.length, record === undefined ? '0' : '1'];
    return this.guarded(what, () => this.scripts.kmCommit(scriptKeys.length, ...scriptKeys, owner, ...counts, ...args));
  }

  private sessionTokenWrite(account: string, { token, issued }: { token: string; issued: IssuedToken }): Write {
    const value = JSON.stringify(issued);
    return { key: this.keys(account).issued(token), value, ttlMs: this.options.ttls.issuedTokenMs, mode: 'set' };
  }

  private customerTokenWrite(account: string, token: CustomerToken): Write {
    const key = this.keys(account).ctok(token.customer_token);
    return { key, value: JSON.stringify(token.scopes), ttlMs: this.options.ttls.customerTokenMs, mode: 'set' };
  }

  async release(lease: Lease): Promise<void> {
    const leases = this.leaseKeys(lease.account, lease.ids);
    if (leases.length === 0) return;
    await this.guarded('release', () => this.scripts.kmRelease(leases.length, ...leases, lease.owner));
  }

  /**
   * Bounded polling, which works the same on one server and on a Cluster (no subscriber connection per node): it
   * looks after 2 ms, then backs off to `maxPollMs`, until no lease over `ids` is left or `withinMs` has passed.
   */
  async awaitAnswer(account: string, ids: AnswerIds, withinMs: number): Promise<void> {
    const leases = this.leaseKeys(account, ids);
    if (leases.length === 0) return;
    const deadline = Date.now() + withinMs;
    let poll = 2;
    while (Date.now() < deadline) {
      await pause(Math.min(poll, Math.max(1, deadline - Date.now())));
      poll = Math.min(poll * 2, this.maxPollMs);
      if ((await this.guarded('await', () => this.client.exists(...leases))) === 0) return;
    }
  }

  async issuedTokens(
    account: string,
    sent: { session?: string | undefined; customer?: string | undefined },
  ): Promise<IssuedTokens> {
    const keys = this.keys(account);
    if (sent.session === undefined && sent.customer === undefined) {
      return { session: undefined, customerScopes: undefined };
    }
    const [session, customer] = await this.guarded('read', () =>
      this.client.mget(
        sent.session === undefined ? keys.none : keys.issued(sent.session),
        sent.customer === undefined ? keys.none : keys.ctok(sent.customer),
      ),
    );
    return {
      session: sent.session === undefined ? undefined : parseJson<IssuedToken>(session),
      customerScopes: sent.customer === undefined ? undefined : parseJson<CustomerToken['scopes']>(customer),
    };
  }

  async tokenAnswer(account: string, token: string): Promise<StoredResponse | undefined> {
    return parseStored(await this.guarded('read', () => this.client.get(this.keys(account).tok(token))));
  }

  async issueSessionToken(account: string, token: string, issued: IssuedToken): Promise<void> {
    await this.run('issue', '', [], [this.sessionTokenWrite(account, { token, issued })]);
  }

  async issueCustomerToken(account: string, token: CustomerToken): Promise<void> {
    await this.run('issue', '', [], [this.customerTokenWrite(account, token)]);
  }

  /** A SCAN of the account's prefix on every master (one account is one slot, so one node of a Cluster). */
  async resetAccount(account: string): Promise<void> {
    await this.guarded('reset', () => deleteByPrefix(this.client, this.keys(account).prefix));
  }

  /** Closes the connections (pending commands fail), without the warnings of a lost connection. */
  close(): void {
    this.client.removeAllListeners('close');
    this.client.removeAllListeners('error');
    this.client.on('error', () => {});
    this.client.disconnect();
  }
}

/** A stored answer as written: JSON keeps the body string exactly, so the replay is byte for byte. */
function parseStored(text: string | null | undefined): StoredResponse | undefined {
  return parseJson<StoredResponse>(text);
}
