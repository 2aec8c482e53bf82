import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Instance, startInstances, stopAll } from '../support/redis-instances.js';
import { machineRedis, needsRedis, type RedisServer, startRedis } from '../support/redis-server.js';
import { ACCOUNT, AUTHORIZE_URL } from '../support/samples.js';

// What one fresh authorization asks of one redis-server, command by command (docs/performance.md): each command is
// CPU in the simulator and in Redis, and on the bench's one server core it is what the Redis store's rate pays for.
// The list is exact, so a command added to the hot path shows up here.

describe('the Redis commands of one fresh authorization', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let instances: Instance[] = [];
  let monitor: Redis | undefined;
  const seen: string[][] = [];

  beforeAll(async () => {
    if (machineRedis()) return;
    server = await startRedis();
    instances = await startInstances(`redis://${server.address}/0`, 1);
    monitor = await server.client().monitor();
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') seen.push(args);
    });
  }, 30_000);
  afterAll(async () => {
    monitor?.disconnect();
    await stopAll(instances);
    await server?.stop();
  });

  const authorize = (key: string) =>
    fetch((instances[0] as Instance).base + AUTHORIZE_URL(), {
      method: 'POST',
      headers: {
        authorization: 'Basic klarna_test_api_k',
        'content-type': 'application/json',
        'klarna-idempotency-key': key,
      },
      body: JSON.stringify({
        currency: 'EUR',
        request_payment_transaction: { amount: 11800, payment_transaction_reference: 'round-trips' },
      }),
    });

  /** The commands sent, each named by its command and the key it names first (scripts by their first key). */
  const named = (args: string[]) => {
    const [command = '', ...rest] = args;
    const name = command.toLowerCase();
    // A script's first run on a new server is an EVAL (after EVALSHA's NOSCRIPT); the keys follow the count.
    const script = name === 'eval' || name === 'evalsha';
    const key = script ? rest[2] : rest[0];
    return `${script ? 'evalsha' : name} ${(key ?? '').replace(`{${ACCOUNT}}`, '{account}')}`;
  };

  it('is five commands: arrival, claim, commit with its transaction, who hears of it, journal', async () => {
    expect((await authorize('round-trips-warm-up')).status).toBe(200);
    // The warm-up's journal record and its event's read are written after its answer.
    await expect.poll(() => seen.some((args) => named(args).startsWith('evalsha km:journal:{'))).toBe(true);
    seen.length = 0;
    expect((await authorize('round-trips-counted')).status).toBe(200);
    const expected = [
      'evalsha km:clock:{account}',
      'evalsha km:{account}:idem:round-trips-counted',
      'evalsha km:{account}:lease:idem:round-trips-counted',
      'evalsha km:{account}:wh:sub',
      'evalsha km:journal:{account}',
    ];
    // The journal's list of accounts is written once a second at most per account, and the sweeps (payment requests,
    // transactions, webhooks) read on their own timer: none of them belongs to this request.
    const periodic = /^(evalsha km:journal:accounts|zrangebyscore |zcard |zrange )/;
    const ours = () => seen.map(named).filter((name) => !periodic.test(name));
    await expect.poll(() => ours().length).toBeGreaterThanOrEqual(expected.length);
    expect(ours().sort()).toEqual([...expected].sort());
  });
});
