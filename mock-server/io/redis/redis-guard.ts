import { catalogue } from '../../core/error-catalogue.js';

/**
 * Runs a shared store's Redis operations: any failure of Redis becomes the catalogue's `storeUnavailable` (503,
 * nothing decided, a retry is safe), and `onError` hears of it once per outage, not once per request (under load a
 * Redis that is away would flood the log).
 */
export class RedisGuard {
  private failing = false;

  constructor(
    private readonly name: string,
    private readonly onError?: (message: string) => void,
  ) {}

  async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      this.failing = false;
      return result;
    } catch (error) {
      if (!this.failing) this.onError?.(`the ${this.name} failed (${what}): ${(error as Error).message}`);
      this.failing = true;
      throw catalogue.storeUnavailable();
    }
  }
}
