import type { CustomerToken } from '../../../contracts/index.js';
import { flat } from '../flat-string.js';
import type { IssuedToken, StoredResponse } from '../idempotency.js';
import type {
  AnswerEffects,
  AnswerIds,
  AnswerStore,
  Claim,
  ClaimOptions,
  CommitResult,
  IssuedTokens,
  Lease,
} from './answer-store.js';
import { scopePrefix } from './recent-keys.js';
import type { Store } from './store.js';

/** One claim's lease, shared by every id it covers, with the requests waiting for its answer. */
interface Held {
  owner: string;
  /** On the injected clock: past it, another claim may take the lease over. */
  expiresAt: number;
  waiters: (() => void)[];
}

/**
 * The names of a claim's leases. Length-prefixed, so that no account and id pair can spell another's; `k` and `t` keep
 * keys and tokens apart. The last claim's names are made once for its claim and its commit (recent-keys.ts says why).
 */
function leaseNamer() {
  let last: { account: string; key: string | undefined; token: string | undefined; names: string[] } | undefined;
  return (account: string, ids: AnswerIds): string[] => {
    if (last !== undefined && last.key === ids.key && last.token === ids.token && last.account === account) {
      return last.names;
    }
    const names: string[] = [];
    const scope = scopePrefix(account);
    if (ids.key !== undefined) names.push(flat(`${scope}k:${ids.key}`));
    if (ids.token !== undefined) names.push(flat(`${scope}t:${ids.token}`));
    last = { account, key: ids.key, token: ids.token, names };
    return names;
  };
}

/**
 * The answer store of one process (the default): the records live in the Store (its entry and byte caps, its window
 * on the account clocks), the leases in a Map beside it. No timers: a held claim's waiters are promises resolved when
 * the lease is committed or released, and a lease left behind is judged expired on the injected clock when another
 * claim comes. Every method but `awaitAnswer` answers at once, with no promise, so the hot paths (a fresh answer, a
 * replay) take no microtask; `peek` lets the replay fast path answer before the request is even parsed.
 */
export class MemoryAnswerStore implements AnswerStore {
  readonly kind = 'memory';
  private readonly leases = new Map<string, Held>();
  private readonly leaseNames = leaseNamer();
  private claims = 0;

  /** `now`: milliseconds of real time (the app's clock, not an account's), for the leases only. */
  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  peek(account: string, key: string): StoredResponse | undefined {
    return this.store.keyRecord(account, key);
  }

  claim(account: string, ids: AnswerIds, options: ClaimOptions): Claim {
    const names = this.leaseNames(account, ids);
    if (names.length === 0) throw new Error('a claim needs an idempotency key or a session token');
    const answers = { key: this.store.keyRecord(account, ids.key), token: this.store.tokenRecord(account, ids.token) };
    if (options.force !== true && (answers.key !== undefined || answers.token !== undefined)) {
      return { kind: 'stored', answers };
    }
    const now = this.now();
    const waiters: (() => void)[] = [];
    for (const name of names) {
      const held = this.leases.get(name);
      if (held === undefined) continue;
      if (held.expiresAt > now) return { kind: 'held', retryInMs: held.expiresAt - now };
      // Taken over: whoever waited for the old owner now waits for this claim's answer.
      waiters.push(...held.waiters);
    }
    const held: Held = { owner: `${++this.claims}`, expiresAt: now + options.leaseMs, waiters };
    for (const name of names) this.leases.set(name, held);
    return { kind: 'claimed', lease: { account, ids: { ...ids }, owner: held.owner }, answers };
  }

  /** A lease past its time that nobody took over still commits: it is still the owner's. */
  commit(lease: Lease, effects: AnswerEffects): CommitResult {
    const names = this.leaseNames(lease.account, lease.ids);
    if (!names.every((name) => this.leases.get(name)?.owner === lease.owner)) return 'lease-lost';
    const { account, ids } = lease;
    if (effects.keyAnswer !== undefined && ids.key !== undefined) {
      this.store.record(account, { key: ids.key }, effects.keyAnswer);
    }
    if (effects.tokenAnswer !== undefined && ids.token !== undefined) {
      this.store.record(account, { token: ids.token }, effects.tokenAnswer);
    }
    if (effects.sessionToken !== undefined) {
      this.store.issueSessionToken(account, effects.sessionToken.token, effects.sessionToken.issued);
    }
    if (effects.customerToken !== undefined) this.store.issueCustomerToken(account, effects.customerToken);
    this.free(names, lease.owner);
    return 'committed';
  }

  release(lease: Lease): void {
    this.free(this.leaseNames(lease.account, lease.ids), lease.owner);
  }

  /** Resolves on the lease's commit or release (no timer: `withinMs` is for stores across processes). */
  awaitAnswer(account: string, ids: AnswerIds, _withinMs: number): Promise<void> {
    const now = this.now();
    const held = this.leaseNames(account, ids)
      .map((name) => this.leases.get(name))
      .find((lease) => lease !== undefined && lease.expiresAt > now);
    if (held === undefined) return Promise.resolve();
    return new Promise((resolve) => held.waiters.push(resolve));
  }

  issuedTokens(account: string, sent: { session?: string | undefined; customer?: string | undefined }): IssuedTokens {
    return {
      session: sent.session === undefined ? undefined : this.store.issuedToken(account, sent.session),
      customerScopes: sent.customer === undefined ? undefined : this.store.issuedCustomerToken(account, sent.customer),
    };
  }

  tokenAnswer(account: string, token: string): StoredResponse | undefined {
    return this.store.tokenRecord(account, token);
  }

  issueSessionToken(account: string, token: string, issued: IssuedToken): void {
    this.store.issueSessionToken(account, token, issued);
  }

  issueCustomerToken(account: string, token: CustomerToken): void {
    this.store.issueCustomerToken(account, token);
  }

  /** The Store's own resetAccount (with the payment requests and transactions it holds) forgets the records. */
  resetAccount(_account: string): void {}

  /** Drops the lease where it is still `owner`'s, and wakes whoever waited for it. */
  private free(names: string[], owner: string): void {
    const held = this.leases.get(names[0] ?? '');
    for (const name of names) if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
    if (held?.owner !== owner || held.waiters.length === 0) return;
    for (const wake of held.waiters.splice(0)) wake();
  }
}
