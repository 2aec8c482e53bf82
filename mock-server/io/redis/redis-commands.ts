import type { Cluster, Redis } from 'ioredis';
import { catalogue } from '../../core/error-catalogue.js';

export type RedisClient = Redis | Cluster;

/**
 * Runs Redis operations for a store: any failure of Redis is answered as the catalogue's `storeUnavailable` (503),
 * nothing having been decided, so a retry is safe. An outage is reported once, not once per request: under load a
 * Redis that is away would flood the log.
 */
export class RedisGuard {
  /** Whether the last operation failed. */
  private failing = false;

  constructor(
    private readonly onError: ((message: string) => void) | undefined,
    /** How the warning names the store. */
    private readonly name = 'Redis store',
  ) {}

  async run<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.failing = false;
      return result;
    } catch (error) {
      if (!this.failing) this.onError?.(`the ${this.name} failed (${what}): ${(error as Error).message}`);
      this.failing = true;
      throw catalogue.storeUnavailable();
    }
  }
}

/** Deletes every key under `prefix` by a SCAN on every master (one account is one slot, so one node of a Cluster). */
export async function deleteByPrefix(client: RedisClient, prefix: string): Promise<void> {
  const match = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  const nodes = 'nodes' in client ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', match, 'COUNT', 500);
      cursor = next;
      if (found.length > 0) await node.del(...found);
    } while (cursor !== '0');
  }
}

/** A value as written by JSON.stringify; absent ('' or none): undefined. */
export function parseJson<T>(text: string | null | undefined): T | undefined {
  return text === null || text === undefined || text === '' ? undefined : (JSON.parse(text) as T);
}

/** Values as written by JSON.stringify, those Redis no longer holds (nil) left out: HMGET's reply, say. */
export function parseJsonList<T>(texts: readonly (string | null)[] | undefined): T[] {
  return (texts ?? []).filter((text): text is string => text !== null).map((text) => JSON.parse(text) as T);
}

/**
 * Defines each Lua script as a command of the client (EVALSHA, and the script itself after a NOSCRIPT: a restarted
 * Redis has forgotten it), typed as `T`.
 */
export function defineScripts<T>(client: RedisClient, scripts: Record<keyof T & string, string>): T {
  for (const [name, lua] of Object.entries<string>(scripts)) client.defineCommand(name, { lua });
  return client as unknown as T;
}
