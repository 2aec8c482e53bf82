import { hash } from 'node:crypto';

/** Every key the simulator writes starts with this, so that a shared Redis can tell them from others'. */
export const DEFAULT_NAMESPACE = 'km:';

/**
 * The account as a Redis Cluster hash tag: `{<account>}` with `%`, `{` and `}` percent-escaped. A partner account id
 * may hold any character, and an unescaped `}` would end the tag early (and `{` start none), putting one account's
 * keys in several slots, where a multi-key script is refused.
 */
export function accountTag(account: string): string {
  return `{${account.replace(/[%{}]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}}`;
}

/** Tokens are long and secret: their keys carry a hash, never the token. */
const tokenId = (token: string) => hash('sha1', token, 'base64url');

/** The keys of one account's answers and tokens; all in one hash tag, so in one Cluster slot. */
export function accountKeys(namespace: string, account: string) {
  const prefix = `${namespace}${accountTag(account)}:`;
  return {
    prefix,
    idem: (key: string) => `${prefix}idem:${key}`,
    tok: (token: string) => `${prefix}tok:${tokenId(token)}`,
    issued: (token: string) => `${prefix}issued:${tokenId(token)}`,
    ctok: (token: string) => `${prefix}ctok:${tokenId(token)}`,
    keyLease: (key: string) => `${prefix}lease:idem:${key}`,
    tokenLease: (token: string) => `${prefix}lease:tok:${tokenId(token)}`,
    /** A payment request's (kind `prq`) or transaction's (`trx`) record, and the kind's indexes (redis-record-store.ts). */
    record: (kind: string, id: string) => `${prefix}${kind}:${id}`,
    recordIndex: (kind: string, index: 'due' | 'order' | 'meta') => `${prefix}${kind}-${index}`,
    /** Stands in for an absent key or token in a script's key list: never written. */
    none: `${prefix}none`,
  };
}

/** Which account a record belongs to, by its id alone (the hosted page's URL carries no account): no hash tag. */
export const recordOwnerKey = (namespace: string, kind: string, id: string) => `${namespace}owner:${kind}:${id}`;
/**
 * The hash tag of what is armed for all accounts and of the index of every armed scenario. No account's tag can
 * spell it: accountTag escapes every `%` an account holds.
 */
const ALL_TAG = '{%all}';

/**
 * Armed scenarios, their counts and the clock of one account, in the account's hash tag (one slot with its answers)
 * but outside accountKeys' prefix: the answer store's reset scans that prefix in the background, which must never
 * take a scenario armed or a clock moved after the reset answered. These are forgotten at once by their own reset.
 */
export function scenarioKeys(namespace: string, account: string) {
  const tag = accountTag(account);
  return {
    armed: `${namespace}sc:${tag}:armed`,
    left: `${namespace}sc:${tag}:left`,
    counts: `${namespace}sc:${tag}:counts`,
    clock: `${namespace}clock:${tag}`,
  };
}

/** What is armed for all accounts, and the index of every armed entry (ids by arming order, and their accounts). */
export function forAllKeys(namespace: string) {
  return {
    armed: `${namespace}sc:${ALL_TAG}:armed`,
    left: `${namespace}sc:${ALL_TAG}:left`,
    index: `${namespace}sc:${ALL_TAG}:index`,
    owner: `${namespace}sc:${ALL_TAG}:owner`,
    seq: `${namespace}sc:${ALL_TAG}:seq`,
  };
}
/**
 * One account's request journal: a stream, oldest first, and its byte count and next seq in a hash beside it, in the
 * account's hash tag but outside its answers' prefix (the answer store's reset deletes that prefix in the background;
 * the journal's reset is its own, and done before the admin reset answers).
 */
export function journalKeys(namespace: string, account: string) {
  const stream = `${namespace}journal:${accountTag(account)}`;
  return { stream, meta: `${stream}:meta` };
}

/**
 * The accounts with a journal, scored by their last record's time (Redis's clock): the inspector's picker and the
 * read of every account. One key outside any account's slot, only ever used alone.
 */
export const journalIndexKey = (namespace: string) => `${namespace}journal:accounts`;

/** Where each kept journal record is announced (seq, id, account): every instance's inspector streams hear it. */
export const journalChannel = (namespace: string) => `${namespace}journal`;
