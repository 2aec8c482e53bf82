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
