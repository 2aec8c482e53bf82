import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArmScenarioRequest } from '../../contracts/index.js';
import { AccountClock } from '../../mock-server/core/account-clock.js';
import { KlarnaHttpError } from '../../mock-server/core/error-catalogue.js';
import { ScenarioEngine } from '../../mock-server/core/scenarios/scenario-engine.js';
import { drawAt } from '../../mock-server/core/scenarios/seeded-random.js';
import type { RedisAnswerStore } from '../../mock-server/io/redis/redis-answer-store.js';
import { CLOCK_TTL_MS, RedisClockOffsets } from '../../mock-server/io/redis/redis-clock-offsets.js';
import { forAllKeys, scenarioKeys } from '../../mock-server/io/redis/redis-keys.js';
import { DRAW_AT } from '../../mock-server/io/redis/redis-scenario-scripts.js';
import { RedisScenarioStore, SCENARIO_TTL_MS } from '../../mock-server/io/redis/redis-scenario-store.js';
import { openConnection, startTopology } from '../support/redis-instances.js';
import { machineRedis, needsRedis, startRedis } from '../support/redis-server.js';
import { requestFacts } from '../support/request-facts.js';

// The Redis scenario store under three engines, each over its own connection as three processes would have:
// exactly-once firings under concurrency, nth and the seeded draws counted across them, the caps, reset and TTLs.

const SEED = 'shared-seed';
const LIMITS = { perAccount: 100, forAll: 100, total: 10_000 };
/** An account whose id holds every character the hash tag escapes. */
const ODD = 'krn:partner:odd}{%7D:account';

const facts = requestFacts;

let namespaces = 0;

describe.each([
  ['one redis-server', 'single'],
  ['a Redis Cluster of three masters', 'cluster'],
] as const)('the Redis scenario store on %s', (_, topology) => {
  beforeEach(needsRedis);
  let redis: { stop: () => Promise<void> } | undefined;
  /** Three connections, as three instances have. */
  let connections: RedisAnswerStore[] = [];

  beforeAll(async () => {
    if (machineRedis()) return;
    const started = await startTopology(topology);
    redis = started;
    const { url } = started;
    connections = await Promise.all([0, 1, 2].map(() => openConnection(url)));
  }, 30_000);
  afterAll(async () => {
    for (const connection of connections) connection.close();
    await redis?.stop();
  });

  /** Three engines over one fresh namespace (the tests share the server), one per connection. */
  function three(limits = LIMITS) {
    const namespace = `t${++namespaces}:`;
    const stores = connections.map(
      (connection) => new RedisScenarioStore(connection.client, { seed: SEED, limits, namespace }),
    );
    const engines = stores.map((store) => new ScenarioEngine<'shared'>(SEED, randomUUID, limits, store));
    const at = (index: number) => engines[index % engines.length] as (typeof engines)[number];
    return { namespace, stores, engines, at };
  }

  const client = () => connections[0]?.client as Redis | Cluster;

  it('draws in Lua exactly the numbers drawAt draws, bit for bit', async () => {
    const states = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 2_654_435_769];
    const script = `${DRAW_AT}
local out = {}
for i = 0, 499 do out[#out + 1] = drawAt(tonumber(ARGV[1]), i) * 4294967296 end
return out`;
    for (const state of states) {
      const lua = (await client().eval(script, 1, '{x}', state)) as number[];
      const js = Array.from({ length: 500 }, (_, index) => drawAt(state, index) * 4294967296);
      expect(lua).toEqual(js);
    }
  });

  it('answers a scenario armed with times: 5 exactly five times for 40 concurrent requests over three engines', async () => {
    const { engines, at } = three();
    await engines[0]?.arm({ account: ODD, name: 'declined', times: 5 });
    await engines[1]?.arm({ name: 'internal-error', times: 5 });
    const selected = await Promise.all(Array.from({ length: 40 }, (_, i) => at(i).select(facts(ODD), undefined)));
    const names = selected.map((s) => s?.scenario.name);
    expect(names.filter((name) => name === 'declined')).toHaveLength(5);
    // The entry armed for all accounts answers next, in its own slot: also exactly five times.
    expect(names.filter((name) => name === 'internal-error')).toHaveLength(5);
    expect(names.filter((name) => name === undefined)).toHaveLength(30);
    expect(await engines[2]?.list()).toEqual([]);
  });

  it('takes the firings of an entry armed for all exactly once across accounts', async () => {
    const { engines, at } = three();
    await engines[2]?.arm({ name: 'declined', times: 7 });
    const selected = await Promise.all(
      Array.from({ length: 30 }, (_, i) => at(i).select(facts(`acct-${i % 4}`), undefined)),
    );
    expect(selected.filter((s) => s?.scenario.name === 'declined')).toHaveLength(7);
  });

  it("counts a fixture rule's times per account across engines, and an operation's armed scenario", async () => {
    const { engines, at } = three();
    for (const engine of engines) {
      engine.setFixtures([{ name: 'rule-3', match: { amount: 4343 }, times: 3, result: 'DECLINED' }]);
    }
    const rules = await Promise.all(Array.from({ length: 20 }, (_, i) => at(i).select(facts('f', 4343), undefined)));
    expect(rules.filter((s) => s?.scenario.name === 'rule-3')).toHaveLength(3);
    await engines[0]?.arm({ account: 'f', name: 'internal-error', times: 2, match: { operation: 'capture' } });
    const captures = await Promise.all(
      Array.from({ length: 10 }, (_, i) => at(i).selectForOperation('f', 'capture', 100)),
    );
    expect(captures.filter((s) => s?.source === 'armed')).toHaveLength(2);
  });

  it('counts nth across engines: only the third matching request, whichever engine it reaches', async () => {
    const { engines, at } = three();
    await engines[0]?.arm({ account: 'a', scenario: { name: 'third', match: { nth: 3 }, result: 'DECLINED' } });
    const names: (string | undefined)[] = [];
    for (let i = 0; i < 5; i += 1) names.push((await at(i).select(facts('a'), undefined))?.scenario.name);
    expect(names).toEqual([undefined, undefined, 'third', undefined, undefined]);
  });

  it('draws one seeded stream per account across engines: the outcomes of one memory engine, in order', async () => {
    const { engines, at } = three();
    const memory = new ScenarioEngine(SEED, randomUUID);
    const coin = { account: 'coin', scenario: { name: 'coin', probability: 0.5, result: 'DECLINED' }, times: 1_000 };
    const ranged = { name: 'slow', delay_ms: { min: 0, max: 1000 }, match: { amount: 4242 } };
    await engines[1]?.arm(coin as ArmScenarioRequest);
    await engines[1]?.arm({ account: 'coin', scenario: ranged, times: 1_000 });
    memory.arm(coin as ArmScenarioRequest);
    memory.arm({ account: 'coin', scenario: ranged, times: 1_000 });
    const shared: string[] = [];
    const local: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const amount = i % 5 === 0 ? 4242 : 11800;
      const got = await at(i).select(facts('coin', amount), undefined);
      const want = memory.select(facts('coin', amount), undefined);
      shared.push(`${got?.scenario.name}:${got?.delayMs}`);
      local.push(`${want?.scenario.name}:${want?.delayMs}`);
    }
    expect(shared).toEqual(local);
    expect(new Set(shared).size).toBeGreaterThan(3);
  });

  it('lists the same entries and counts from every engine, in arming order across accounts', async () => {
    const { engines } = three();
    const first = await engines[0]?.arm({ account: 'b', name: 'declined', times: 3 });
    await engines[1]?.arm({ name: 'timeout' });
    await engines[2]?.arm({ account: 'a', name: 'approved', times: 2 });
    await engines[0]?.select(facts('b'), undefined);
    const lists = await Promise.all(engines.map((engine) => engine.list()));
    const shown = (lists[0] ?? []).map((s) => [s.account, s.scenario.name, s.remaining]);
    expect(shown).toEqual([
      ['b', 'declined', 2],
      [null, 'timeout', 1],
      ['a', 'approved', 2],
    ]);
    expect(lists[1]).toEqual(lists[0]);
    expect(lists[2]).toEqual(lists[0]);
    expect((await engines[2]?.list('a'))?.map((s) => s.scenario.name)).toEqual(['approved']);
    expect(await engines[2]?.disarm(first?.id ?? '')).toBe(true);
    expect(await engines[1]?.disarm(first?.id ?? '')).toBe(false);
    expect((await engines[0]?.list())?.map((s) => s.scenario.name)).toEqual(['timeout', 'approved']);
  });

  it('refuses past each cap with the memory store messages, and frees a place on disarm and reset', async () => {
    const { engines } = three({ perAccount: 2, forAll: 2, total: 5 });
    const arm = async (index: number, request: ArmScenarioRequest) => {
      try {
        await engines[index]?.arm(request);
        return 'armed';
      } catch (error) {
        return (error as KlarnaHttpError).message;
      }
    };
    expect(await arm(0, { account: 'a', name: 'declined' })).toBe('armed');
    expect(await arm(1, { account: 'a', name: 'declined' })).toBe('armed');
    expect(await arm(2, { account: 'a', name: 'declined' })).toBe(
      'At most 2 scenarios can be armed at once for account a',
    );
    expect(await arm(0, { name: 'declined' })).toBe('armed');
    expect(await arm(1, { name: 'declined' })).toBe('armed');
    expect(await arm(2, { name: 'declined' })).toBe('At most 2 scenarios can be armed at once for all accounts');
    expect(await arm(0, { account: 'c', name: 'declined' })).toBe('armed');
    expect(await arm(1, { account: 'd', name: 'declined' })).toBe('At most 5 scenarios can be armed at once');
    expect(await arm(2, { account: 'a', name: 'declined' })).toBe(
      'At most 2 scenarios can be armed at once for account a',
    );
    expect(await engines[2]?.resetAccount('a')).toBe(2);
    expect(await arm(1, { account: 'd', name: 'declined' })).toBe('armed');
    expect((await engines[0]?.list())?.length).toBe(4);
  });

  it('frees every place of an account with 1,500 entries on its reset, in slices the script can take', async () => {
    if (topology !== 'single') return;
    const { engines } = three({ perAccount: 1_500, forAll: 2, total: 1_501 });
    for (let i = 0; i < 1_500; i += 1) await engines[i % 3]?.arm({ account: 'many', name: 'declined' });
    expect(await engines[0]?.resetAccount('many')).toBe(1_500);
    expect(await engines[1]?.list()).toEqual([]);
    for (let i = 0; i < 2; i += 1) await engines[2]?.arm({ name: 'declined' });
    expect((await engines[0]?.list())?.length).toBe(2);
  });

  it('forgets an account on reset: entries, nth counts and draws; other accounts keep theirs', async () => {
    const { engines, at, namespace } = three();
    await engines[0]?.arm({ account: 'r', scenario: { name: 'second', match: { nth: 2 }, result: 'DECLINED' } });
    await engines[0]?.arm({ account: 'other', name: 'declined' });
    await engines[1]?.select(facts('r'), undefined);
    expect(await engines[2]?.resetAccount('r')).toBe(1);
    const keys = scenarioKeys(namespace, 'r');
    expect(await client().exists(keys.armed, keys.left, keys.counts)).toBe(0);
    await engines[1]?.arm({ account: 'r', scenario: { name: 'second', match: { nth: 2 }, result: 'DECLINED' } });
    // Counted afresh: the first request after the reset is the first again.
    expect((await at(0).select(facts('r'), undefined))?.scenario.name).toBeUndefined();
    expect((await at(1).select(facts('r'), undefined))?.scenario.name).toBe('second');
    expect((await engines[2]?.list())?.map((s) => s.account)).toEqual(['other']);
  });

  it('puts a TTL on every key it writes, within the generous bound', async () => {
    const { engines, namespace } = three();
    await engines[0]?.arm({ account: 'ttl', scenario: { name: 'coin', probability: 0.5, result: 'DECLINED' } });
    await engines[0]?.arm({ name: 'declined', match: { amount: 1 } });
    await engines[1]?.select(facts('ttl'), undefined);
    const own = scenarioKeys(namespace, 'ttl');
    const all = forAllKeys(namespace);
    const names = [own.armed, own.left, own.counts, all.armed, all.left, all.index, all.owner, all.seq];
    for (const name of names) {
      const ttl = await client().pttl(name);
      expect({ name, ok: ttl > SCENARIO_TTL_MS - 60_000 && ttl <= SCENARIO_TTL_MS }).toEqual({ name, ok: true });
    }
    const clocks = new RedisClockOffsets(client(), namespace);
    await clocks.write('ttl', 5_000);
    const ttl = await client().pttl(own.clock);
    expect(ttl > CLOCK_TTL_MS - 60_000 && ttl <= CLOCK_TTL_MS).toBe(true);
  });

  it('keeps every key of one account in one slot, apart from those armed for all', async () => {
    if (topology !== 'cluster') return;
    const keys = scenarioKeys('km:', ODD);
    const slots = await Promise.all(
      [keys.armed, keys.left, keys.counts, keys.clock, `km:{krn:partner:odd%7D%7B%257D:account}:idem:x`].map((name) =>
        (client() as Cluster).cluster('KEYSLOT', name),
      ),
    );
    expect(new Set(slots).size).toBe(1);
    const all = forAllKeys('km:');
    const allSlots = await Promise.all(
      [all.armed, all.left, all.index, all.owner, all.seq].map((name) =>
        (client() as Cluster).cluster('KEYSLOT', name),
      ),
    );
    expect(new Set(allSlots).size).toBe(1);
  });

  it("chooses from the entries read when the request arrived (with its account's clock), never older ones", async () => {
    const { engines, stores } = three();
    const arrivals = new AccountClock(
      () => 1_700_000_000_000,
      new RedisClockOffsets(connections[1]?.client as Redis, `t${namespaces}:`, undefined, stores[1]),
    );
    const B = engines[1] as ScenarioEngine<'shared'>;
    await engines[0]?.arm({ account: ODD, name: 'declined', times: 1 });
    await engines[0]?.arm({ name: 'internal-error', times: 1 });
    await arrivals.refresh(ODD);
    // Used up on another instance after the arrival: the pick script passes over it, and the one for all answers.
    expect((await engines[0]?.select(facts(ODD), undefined))?.scenario.name).toBe('declined');
    expect((await B.select(facts(ODD), undefined))?.scenario.name).toBe('internal-error');
    // Armed after the arrival: not among the entries this request chooses from; the next arrival reads it.
    await engines[0]?.arm({ account: ODD, name: 'declined', times: 1 });
    expect(await B.select(facts(ODD), undefined)).toBeUndefined();
    await arrivals.refresh(ODD);
    expect((await B.select(facts(ODD), undefined))?.scenario.name).toBe('declined');
    // Past 10,000 accounts the oldest arrival's entries go: that account's selection reads Redis again.
    await arrivals.refresh(ODD);
    await engines[0]?.arm({ account: ODD, name: 'declined', times: 1 });
    const nothing = (stores[1] as RedisScenarioStore).arrivalKeys(ODD).map(() => []);
    for (let i = 0; i < 10_000; i += 1) stores[1]?.arrived(`acct-${i}`, nothing);
    expect((await B.select(facts(ODD), undefined))?.scenario.name).toBe('declined');
  });

  it('moves an account clock seen by every instance after its refresh, and forgets it on reset', async () => {
    const namespace = `t${++namespaces}:`;
    let base = 1_700_000_000_000;
    const clocks = connections.map(
      (connection) => new AccountClock(() => base, new RedisClockOffsets(connection.client, namespace)),
    );
    await clocks[0]?.set(ODD, base + 3_600_000);
    expect(clocks[1]?.now(ODD)).toBe(base);
    await clocks[1]?.refresh(ODD);
    expect(clocks[1]?.now(ODD)).toBe(base + 3_600_000);
    base += 10;
    expect(clocks[1]?.now(ODD)).toBe(base + 3_600_000);
    await clocks[2]?.reset(ODD);
    await clocks[1]?.refresh(ODD);
    expect(clocks[1]?.now(ODD)).toBe(base);
  });
});

describe('the Redis scenario store when Redis is away', () => {
  beforeEach(needsRedis);

  it("answers the catalogue's 503, and reports the outage once", async () => {
    const server = await startRedis();
    const connection = await openConnection(`redis://${server.address}/0`);
    const warnings: string[] = [];
    const store = new RedisScenarioStore(connection.client, {
      seed: SEED,
      limits: LIMITS,
      namespace: 'down:',
      onError: (message) => warnings.push(message),
    });
    const engine = new ScenarioEngine<'shared'>(SEED, randomUUID, LIMITS, store);
    try {
      await server.kill();
      for (let i = 0; i < 2; i += 1) {
        const refused = await Promise.resolve(engine.select(facts('a'), undefined)).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(KlarnaHttpError);
        expect((refused as KlarnaHttpError).statusCode).toBe(503);
      }
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^the Redis scenario store failed \(read\)/);
    } finally {
      connection.close();
      await server.stop();
    }
  });
});
