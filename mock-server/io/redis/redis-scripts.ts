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
 * put (a record, compare-and-set), as a Lua function of its four keys `k` and eight arguments `a`: k = the record,
 * then its kind's `due`, `order` and `meta`; a = the version read, the record as JSON, its TTL in ms, its due time
 * ('' for none), its id, the kind's entry and byte caps per account, the record key's prefix. Written (a hash: `v` the
 * version, `r` the JSON) only if the stored version is still the one read (0: none); then the oldest records of the
 * account go while it is over a cap (`order` is the order of creation, `meta` holds the write sequence, the bytes held
 * and each record's size). Answers the new version, or 0 when another write came first.
 *
 * Each `redis.call` costs about a microsecond of Redis's time, a put at the caps about twenty of them, so the count
 * is kept low: the entries are counted once and the oldest taken with ZPOPMIN; `order` and `meta`, made together by
 * a record's creation and never emptied, get their TTL then and are extended with `GT` (never shortened) after.
 */
const PUT_RECORD_FUNCTION = `
local function putRecord(k, a)
  local current = tonumber(redis.call('HGET', k[1], 'v') or '0')
  if current ~= tonumber(a[1]) then return 0 end
  local id = a[5]
  local size = string.len(a[2])
  local old = tonumber(redis.call('HGET', k[4], id) or '0')
  redis.call('HSET', k[1], 'v', current + 1, 'r', a[2])
  redis.call('PEXPIRE', k[1], a[3])
  if a[4] == '' then redis.call('ZREM', k[2], id) else redis.call('ZADD', k[2], a[4], id) end
  redis.call('HSET', k[4], id, size)
  local bytes = redis.call('HINCRBY', k[4], '#bytes', size - old)
  local first = false
  if current == 0 then
    local seq = redis.call('HINCRBY', k[4], '#seq', 1)
    redis.call('ZADD', k[3], seq, id)
    first = seq == 1
  end
  local count = redis.call('ZCARD', k[3])
  local maxEntries = tonumber(a[6])
  local maxBytes = tonumber(a[7])
  while count > maxEntries or bytes > maxBytes do
    local popped = redis.call('ZPOPMIN', k[3])
    local oldest = popped[1]
    if not oldest then break end
    if oldest == id then
      redis.call('ZADD', k[3], popped[2], oldest)
      break
    end
    local freed = tonumber(redis.call('HGET', k[4], oldest) or '0')
    redis.call('ZREM', k[2], oldest)
    redis.call('HDEL', k[4], oldest)
    redis.call('DEL', a[8] .. oldest)
    bytes = redis.call('HINCRBY', k[4], '#bytes', -freed)
    count = count - 1
  end
  if redis.call('PTTL', k[2]) < tonumber(a[3]) then redis.call('PEXPIRE', k[2], a[3]) end
  for i = 3, 4 do
    if first then redis.call('PEXPIRE', k[i], a[3]) else redis.call('PEXPIRE', k[i], a[3], 'GT') end
  end
  return current + 1
end
`;

/** put: KEYS = the record and its kind's `due`, `order`, `meta`; ARGV = putRecord's eight arguments. */
export const PUT_RECORD = `${PUT_RECORD_FUNCTION}
return putRecord(KEYS, ARGV)
`;

/**
 * commit: KEYS = the leases (ARGV[2] of them), the keys to write (ARGV[3]), then when ARGV[4] is '1' a record's four
 * keys (as put's). ARGV = owner, lease count, write count, whether a record is written, then per write its value, its
 * TTL in ms and `set` or `nx`, then the record's eight arguments (as put's). Fenced: nothing is written unless every
 * lease is still this owner's (`lease-lost`); the record first, and nothing else if its version moved
 * (`record-conflict`): the answer and the record it names are written together or not at all.
 */
export const COMMIT = `${PUT_RECORD_FUNCTION}
local leases = tonumber(ARGV[2])
local writes = tonumber(ARGV[3])
for i = 1, leases do
  if redis.call('GET', KEYS[i]) ~= ARGV[1] then return 'lease-lost' end
end
local after = 4 + 3 * writes
if ARGV[4] == '1' then
  local k = {}
  for i = 1, 4 do k[i] = KEYS[leases + writes + i] end
  local a = {}
  for i = 1, 8 do a[i] = ARGV[after + i] end
  if putRecord(k, a) == 0 then return 'record-conflict' end
end
local at = 5
for i = leases + 1, leases + writes do
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
 * journal append: KEYS = the account's journal stream, its meta hash (seq, bytes, counted). ARGV = the record as
 * text, its size in bytes, the records kept at most, the bytes kept at most, the TTL in ms, the channel, the
 * announcement's JSON up to its seq (`{"id":…,"account":…,"seq":`), and '1' when the count alone bounds the bytes
 * (the records kept at most times the largest record is within the bytes kept at most, and this record is not
 * larger). Adds the record with the account's next seq and Redis's time in microseconds (which orders the records of
 * several accounts), drops the oldest ones while over either cap (the record just added always stays), refreshes
 * both TTLs and announces the record. Returns the seq (1: the account's first record since its journal began).
 *
 * When the count bounds the bytes, XADD trims to it and no count of bytes is kept (reading the oldest record to
 * subtract its size cost as much as the rest of the script). Otherwise the bytes are counted in the meta hash, with
 * the seq they were counted at: a count not made at the append before is made again from the stream's records.
 */
export const JOURNAL_APPEND = `
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local time = redis.call('TIME')
local at = time[1] .. string.rep('0', 6 - #time[2]) .. time[2]
if ARGV[8] == '1' then
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], '*', 'r', ARGV[1], 'b', ARGV[2], 's', seq, 't', at)
else
  local counted = redis.call('HMGET', KEYS[2], 'bytes', 'counted')
  local bytes = tonumber(counted[1])
  if bytes == nil or tonumber(counted[2]) ~= seq - 1 then
    bytes = 0
    for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do bytes = bytes + tonumber(entry[2][4]) end
  end
  redis.call('XADD', KEYS[1], '*', 'r', ARGV[1], 'b', ARGV[2], 's', seq, 't', at)
  bytes = bytes + tonumber(ARGV[2])
  local kept = redis.call('XLEN', KEYS[1])
  local maxRecords = tonumber(ARGV[3])
  local maxBytes = tonumber(ARGV[4])
  while kept > 1 and (kept > maxRecords or bytes > maxBytes) do
    local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
    redis.call('XDEL', KEYS[1], oldest[1])
    bytes = bytes - tonumber(oldest[2][4])
    kept = kept - 1
  end
  redis.call('HSET', KEYS[2], 'bytes', bytes, 'counted', seq)
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PUBLISH', ARGV[6], ARGV[7] .. seq .. '}')
return seq
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
