import type { Cluster, Redis } from 'ioredis';
import { catalogue } from '../../core/error-catalogue.js';

/**
 * Runs Redis operations for one store: any failure of Redis is thrown as the catalogue's 503 (nothing was decided),
 * and reported once per outage, not once per request (under load a Redis that is away would flood the log).
 */
export function redisGuard(onError: ((message: string) => void) | undefined) {
  let failing = false;
  return async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      const result = await run();
      failing = false;
      return result;
    } catch (error) {
      if (!failing) onError?.(`the Redis store failed (${what}): ${(error as Error).message}`);
      failing = true;
      throw catalogue.storeUnavailable();
    }
  };
}

/**
 * Defines each Lua script as a command of the client (EVALSHA, and the script itself after a NOSCRIPT: a restarted
 * Redis has forgotten it), typed as `T`.
 */
export function defineScripts<T>(client: Redis | Cluster, scripts: Record<keyof T & string, string>): T {
  for (const [name, lua] of Object.entries<string>(scripts)) client.defineCommand(name, { lua });
  return client as unknown as T;
}
