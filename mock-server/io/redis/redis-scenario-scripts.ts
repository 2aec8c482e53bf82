/**
 * The Lua scripts of the Redis scenario store (redis-scenario-store.ts). Each runs atomically on the node holding its
 * keys: one account's (its hash tag) or those armed for all with the index of every entry (their own tag), never
 * both, so they are legal on a Redis Cluster too. An entry is stored as `<seq> <json>` under its id in `armed`, its
 * firings left under its id in `left`; the account's counts and the position of its draws in `counts`.
 */

/**
 * drawAt (core/scenarios/seeded-random.ts) in Lua: the mulberry32 draw at an index, exact to the bit. Redis's Lua
 * numbers are doubles, so the 32-bit multiplication is made of 16-bit halves, which stay exact.
 */
export const DRAW_AT = `
local function imul(a, b)
  a = a % 4294967296
  b = b % 4294967296
  local ah, al = math.floor(a / 65536), a % 65536
  local bh, bl = math.floor(b / 65536), b % 65536
  return bit.tobit(((ah * bl + al * bh) % 65536) * 65536 + al * bl)
end
local function drawAt(state, index)
  local t = bit.tobit(state + imul(index + 1, 1831565813))
  t = imul(bit.bxor(t, bit.rshift(t, 15)), bit.bor(t, 1))
  t = bit.bxor(t, t + imul(bit.bxor(t, bit.rshift(t, 7)), bit.bor(t, 61)))
  return (bit.bxor(t, bit.rshift(t, 14)) % 4294967296) / 4294967296
end
`;

/**
 * reserve: KEYS = index, owner, seq, armed for all, left for all. ARGV = id, '1' when armed for all, account, total
 * cap, TTL ms, then for all: json, firings, cap for all. Takes the entry's place in the index (its arming order)
 * and, armed for all, stores it too: its seq, or -1 (the total cap is reached) or -2 (the cap for all).
 */
export const RESERVE = `
local forAll = ARGV[2] == '1'
if forAll and redis.call('HLEN', KEYS[4]) >= tonumber(ARGV[8]) then return -2 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return -1 end
local seq = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], seq, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], forAll and '*' or (':' .. ARGV[3]))
if forAll then
  redis.call('HSET', KEYS[4], ARGV[1], seq .. ' ' .. ARGV[6])
  redis.call('HSET', KEYS[5], ARGV[1], ARGV[7])
end
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
return seq
`;

/** arm: KEYS = the account's armed, left. ARGV = id, `<seq> <json>`, firings, cap, TTL ms. 1, or 0 past the cap. */
export const ARM = `
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return 1
`;

/** unindex: KEYS = index, owner; ARGV = ids. */
export const UNINDEX = `
redis.call('ZREM', KEYS[1], unpack(ARGV))
redis.call('HDEL', KEYS[2], unpack(ARGV))
return 0
`;

/** read: KEYS = armed, left. Both at one instant (a firing taken between two reads would show a stale count). */
export const READ = `
return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
`;

/**
 * arrival: KEYS = the account's clock, then pairs of armed, left (the account's, and on one Redis server those for
 * all). The clock offset (false for none) and each pair's entries, read at one instant when a request arrives.
 */
export const ARRIVAL = `
local reply = {redis.call('GET', KEYS[1])}
for i = 2, #KEYS, 2 do
  reply[#reply + 1] = redis.call('HGETALL', KEYS[i])
  reply[#reply + 1] = redis.call('HGETALL', KEYS[i + 1])
end
return reply
`;

/**
 * disarm: KEYS = armed, left, and for an entry armed for all the index and owner. ARGV = id. 1 when it was armed.
 */
export const DISARM = `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if #KEYS == 4 then
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('HDEL', KEYS[4], ARGV[1])
end
return removed
`;

/** reset: KEYS = the account's armed, left, counts. Deletes them; the ids that were armed. */
export const RESET = `
local ids = redis.call('HKEYS', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return ids
`;

/**
 * pick: KEYS = the account's armed, left, counts. ARGV = seed state, TTL ms, the most counts kept, the first
 * candidate to look at, then seven per candidate: kind ('a' this account's entry, 'f' an entry for all, 's' other),
 * entry id, counter name, nth, times, probability ('' for none of these) and '1' when it draws for a delay.
 * In order, as MemoryScenarioStore.pick: the entry still armed, the nth count, times, the draw; then the firing.
 * Returns {'picked', index, delay draw index or -1, 1 when the entry was used up}, {'take', index} for an entry armed
 * for all (its firing is taken in its own slot), or {'none'}.
 */
export const PICK = `${DRAW_AT}
local state = tonumber(ARGV[1])
local counts = KEYS[3]
local touched = false
local function nextDraw()
  touched = true
  return redis.call('HINCRBY', counts, 'draws', 1) - 1
end
local result = {'none'}
local total = (#ARGV - 4) / 7
for i = tonumber(ARGV[4]), total - 1 do
  local at = 5 + i * 7
  local kind, id, counter = ARGV[at], ARGV[at + 1], ARGV[at + 2]
  local nth, times, p, delay = ARGV[at + 3], ARGV[at + 4], ARGV[at + 5], ARGV[at + 6]
  local live = kind ~= 'a' or redis.call('HEXISTS', KEYS[2], id) == 1
  if live and nth ~= '' then
    touched = true
    live = redis.call('HINCRBY', counts, counter .. ':seen', 1) == tonumber(nth)
  end
  if live and times ~= '' then
    live = tonumber(redis.call('HGET', counts, counter .. ':fired') or '0') < tonumber(times)
  end
  if live and p ~= '' then live = drawAt(state, nextDraw()) < tonumber(p) end
  if live then
    if kind == 'f' then
      result = {'take', i}
    else
      if times ~= '' then
        touched = true
        redis.call('HINCRBY', counts, counter .. ':fired', 1)
      end
      local usedUp = 0
      if kind == 'a' and redis.call('HINCRBY', KEYS[2], id, -1) <= 0 then
        redis.call('HDEL', KEYS[1], id)
        redis.call('HDEL', KEYS[2], id)
        redis.call('HDEL', counts, counter .. ':seen')
        usedUp = 1
      end
      local delayDraw = -1
      if delay == '1' then delayDraw = nextDraw() end
      result = {'picked', i, delayDraw, usedUp}
    end
    break
  end
end
if touched then
  if redis.call('HLEN', counts) > tonumber(ARGV[3]) then
    local draws = redis.call('HGET', counts, 'draws')
    redis.call('DEL', counts)
    if draws then redis.call('HSET', counts, 'draws', draws) end
  end
  redis.call('PEXPIRE', counts, ARGV[2])
end
return result
`;

/** take: KEYS = armed for all, left for all, index, owner. ARGV = id. Firings left after this one, or -1: none. */
export const TAKE = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return -1 end
local left = redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
if left <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('HDEL', KEYS[4], ARGV[1])
end
return left
`;

/** draw: KEYS = the account's counts; ARGV = TTL ms. The index of the account's next draw. */
export const DRAW = `
local index = redis.call('HINCRBY', KEYS[1], 'draws', 1) - 1
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return index
`;
