/**
 * The Lua scripts of the Redis store. Each runs atomically on the node that holds its keys, which all share one
 * account's hash tag (redis-keys.ts), so they are legal on a Redis Cluster too.
 */

/**
 * claim: KEYS = answer key, token-answer key, then one lease per id sent. ARGV = owner, lease ms, force ('1'),
 * whether a key was sent ('1'), whether a token was sent ('1'). Reads both answers ('' for none): `stored` with them
 * unless forced, else takes every lease (`claimed`, with them) or none (`held`, with the remaining ms of the one met).
 */
export const CLAIM = `
local answer = false
local token = false
if ARGV[4] == '1' then answer = redis.call('GET', KEYS[1]) end
if ARGV[5] == '1' then token = redis.call('GET', KEYS[2]) end
if ARGV[3] ~= '1' and (answer or token) then return {'stored', answer or '', token or ''} end
local taken = {}
for i = 3, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[1], 'NX', 'PX', ARGV[2]) then
    taken[#taken + 1] = KEYS[i]
  else
    for _, key in ipairs(taken) do redis.call('DEL', key) end
    return {'held', tostring(redis.call('PTTL', KEYS[i]))}
  end
end
return {'claimed', answer or '', token or ''}
`;

/**
 * commit: KEYS = the leases (ARGV[2] of them), then the keys to write. ARGV = owner, lease count, then per write its
 * value, its TTL in ms and `set` or `nx`. Fenced: nothing is written unless every lease is still this owner's.
 */
export const COMMIT = `
local leases = tonumber(ARGV[2])
for i = 1, leases do
  if redis.call('GET', KEYS[i]) ~= ARGV[1] then return 'lease-lost' end
end
local at = 3
for i = leases + 1, #KEYS do
  if ARGV[at + 2] == 'nx' then
    redis.call('SET', KEYS[i], ARGV[at], 'PX', ARGV[at + 1], 'NX')
  else
    redis.call('SET', KEYS[i], ARGV[at], 'PX', ARGV[at + 1])
  end
  at = at + 3
end
for i = 1, leases do redis.call('DEL', KEYS[i]) end
return 'committed'
`;

/** release: KEYS = the leases; ARGV = owner. Deletes those still this owner's (a lease lost to another stays). */
export const RELEASE = `
local released = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then released = released + redis.call('DEL', KEYS[i]) end
end
return released
`;

/**
 * put (a record, compare-and-set): KEYS = the record, then its kind's `due`, `order` and `meta`. ARGV = the version
 * read, the record as JSON, its TTL in ms, its due time ('' for none), its id, the kind's entry and byte caps per
 * account, the record key's prefix. Written (a hash: `v` the version, `r` the JSON) only if the stored version is
 * still the one read (0: none); then the oldest records of the account go while it is over a cap (`order` is the
 * order of creation, `meta` holds the write sequence, the bytes held and each record's size). Answers the new
 * version, or 0 when another write came first.
 */
export const PUT_RECORD = `
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return 0 end
local id = ARGV[5]
local size = string.len(ARGV[2])
local old = tonumber(redis.call('HGET', KEYS[4], id) or '0')
redis.call('HSET', KEYS[1], 'v', current + 1, 'r', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[4] == '' then redis.call('ZREM', KEYS[2], id) else redis.call('ZADD', KEYS[2], ARGV[4], id) end
redis.call('HSET', KEYS[4], id, size)
local bytes = redis.call('HINCRBY', KEYS[4], '#bytes', size - old)
if current == 0 then redis.call('ZADD', KEYS[3], redis.call('HINCRBY', KEYS[4], '#seq', 1), id) end
while redis.call('ZCARD', KEYS[3]) > tonumber(ARGV[6]) or bytes > tonumber(ARGV[7]) do
  local oldest = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
  if not oldest or oldest == id then break end
  local freed = tonumber(redis.call('HGET', KEYS[4], oldest) or '0')
  redis.call('ZREM', KEYS[3], oldest)
  redis.call('ZREM', KEYS[2], oldest)
  redis.call('HDEL', KEYS[4], oldest)
  redis.call('DEL', ARGV[8] .. oldest)
  bytes = redis.call('HINCRBY', KEYS[4], '#bytes', -freed)
end
for i = 2, 4 do
  if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
end
return current + 1
`;

/**
 * journal append: KEYS = the account's journal stream, its meta hash (bytes, seq). ARGV = the record as text, its
 * size in bytes, the records kept at most, the bytes kept at most, the TTL in ms, the channel, the record's id, the
 * account. Adds the record with the account's next seq and Redis's time in microseconds (which orders the records of
 * several accounts), drops the oldest ones while over either cap (the record just added always stays), refreshes both
 * TTLs and announces the record. Returns {seq, records kept}.
 */
export const JOURNAL_APPEND = `
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local time = redis.call('TIME')
local at = time[1] .. string.format('%06d', tonumber(time[2]))
redis.call('XADD', KEYS[1], '*', 'r', ARGV[1], 'b', ARGV[2], 's', seq, 't', at)
local bytes = redis.call('HINCRBY', KEYS[2], 'bytes', tonumber(ARGV[2]))
local kept = redis.call('XLEN', KEYS[1])
local maxRecords = tonumber(ARGV[3])
local maxBytes = tonumber(ARGV[4])
while kept > 1 and (kept > maxRecords or bytes > maxBytes) do
  local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
  redis.call('XDEL', KEYS[1], oldest[1])
  bytes = redis.call('HINCRBY', KEYS[2], 'bytes', -tonumber(oldest[2][4]))
  kept = kept - 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PUBLISH', ARGV[6], cjson.encode({seq = seq, id = ARGV[7], account = ARGV[8]}))
return {seq, kept}
`;

/**
 * journal index: KEYS = the index of journal accounts. ARGV = the account, the accounts kept at most, their maximum
 * age in ms, the TTL in ms. Scores the account with Redis's time, forgets accounts not written within the age, and
 * returns those past the cap (the least recently written first), which the caller deletes.
 */
export const JOURNAL_INDEX = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[2])
local dropped = {}
if excess > 0 then
  dropped = redis.call('ZRANGE', KEYS[1], 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return dropped
`;
