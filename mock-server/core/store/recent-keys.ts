import { flat } from '../flat-string.js';

/** How many (account, id) pairs keep their key: the ids one request looks up, and a few to spare. */
const SLOTS = 4;

/**
 * The keys the stores keep records under, `<account length>:<account>:<id>` (length-prefixed, so that no account and
 * id pair can spell another's), made once for the last few pairs asked for. One fresh authorize looks its idempotency
 * record up three times (the replay check, the claim, the commit) and its transaction twice. Each new key is one more
 * string to join, flatten and hash for the Map, and a few such strings a request made up a tenth of the simulator's
 * string work (docs/performance.md, "One key string a record, a request"). Keys are flat: a store keeps them.
 */
export class RecentKeys {
  private readonly accounts: (string | undefined)[] = new Array(SLOTS).fill(undefined);
  private readonly ids: (string | undefined)[] = new Array(SLOTS).fill(undefined);
  private readonly keys: string[] = new Array(SLOTS).fill('');
  private next = 0;

  key(account: string, id: string): string {
    for (let i = 0; i < SLOTS; i += 1) {
      if (this.ids[i] === id && this.accounts[i] === account) return this.keys[i] as string;
    }
    const key = flat(scopePrefix(account) + id);
    const slot = this.next;
    this.accounts[slot] = account;
    this.ids[slot] = id;
    this.keys[slot] = key;
    this.next = (slot + 1) % SLOTS;
    return key;
  }
}

/** What every key of `account` starts with. */
export const scopePrefix = (account: string) => `${account.length}:${account}:`;

/** The account of a key `scopePrefix` began: its length prefix says where it ends. */
export function accountOfKey(key: string): string {
  const colon = key.indexOf(':');
  const start = colon + 1;
  return key.slice(start, start + Number(key.slice(0, colon)));
}
