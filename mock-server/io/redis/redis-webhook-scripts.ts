/**
 * The Lua scripts of the shared webhook state (redis-delivery-schedule.ts, redis-notification-store.ts). Each runs
 * atomically on the node holding its keys, which are one account's (one hash tag), or the one key of the list of
 * accounts with work: legal on a Redis Cluster.
 */

/**
 * The delivery scripts' keys, always these, in this order (webhookKeys): the account's counters (`seq`, `fseq`,
 * `pending`, `pbytes`), deliveries by id (JSON), the log (id by order), the pending (id by order), the finished (id by
 * finish order), the schedule (`<order>|<id>` by due time, account clock), the held (out_of_order), the attempt in
 * flight (as on the schedule), the account's lease, the armed fault.
 */
const PRELUDE = `
local META, REC, LOG, PEND, FIN, DUE, HELD, FLIGHT, LEASE, FAULT =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]
local function touch(ttl)
  for i = 1, 8 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
local function pad(n) return string.format('%012d', n) end
local function finish(id, record)
  if record.charged and record.charged > 0 then
    redis.call('HINCRBY', META, 'pbytes', -record.charged)
    redis.call('HINCRBY', META, 'pending', -1)
  end
  record.charged = 0
  record.body = nil
  record.signature = ''
  record.member = nil
  record.nextAttemptAt = nil
  redis.call('ZREM', PEND, id)
  redis.call('ZADD', FIN, redis.call('HINCRBY', META, 'fseq', 1), id)
  redis.call('HSET', REC, id, cjson.encode(record))
end
`;

/**
 * enqueue: ARGV = now (account clock), entries cap, pending bytes cap, TTL ms, why a drop happens, event count, then
 * per event its JSON and its bytes. Uses up the armed fault, makes room (the oldest finished leave the log; the oldest
 * pending not in flight are dropped for bytes), writes each copy, and lets held deliveries follow the event. Returns
 * {queued, dropped, refusals joined by ','}.
 */
export const ENQUEUE = `${PRELUDE}
local now, cap, maxBytes, ttl, why = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
local kind, delay = false, 0
local armed = redis.call('GET', FAULT)
if armed then
  local f = cjson.decode(armed)
  kind, delay = f.fault, tonumber(f.delayMs) or 0
  f.remaining = f.remaining - 1
  if f.remaining <= 0 then redis.call('DEL', FAULT) else redis.call('SET', FAULT, cjson.encode(f), 'KEEPTTL') end
end
local copies = 1
if kind == 'duplicate' then copies = 2 elseif kind == 'drop' then copies = 0 end
local due = now
if kind == 'delay' then due = now + delay end
local flying = {}
for _, member in ipairs(redis.call('ZRANGE', FLIGHT, 0, -1)) do flying[string.sub(member, 14)] = true end
local function release()
  local held = redis.call('LRANGE', HELD, 0, -1)
  for i = #held, 1, -1 do
    local raw = redis.call('HGET', REC, held[i])
    if raw then
      local record = cjson.decode(raw)
      local order = redis.call('HINCRBY', META, 'seq', 1)
      record.held, record.order, record.nextAttemptAt = false, order, due
      record.member = pad(order) .. '|' .. held[i]
      redis.call('ZADD', DUE, due, record.member)
      redis.call('HSET', REC, held[i], cjson.encode(record))
    end
  end
  redis.call('DEL', HELD)
end
local queued, dropped, refused = 0, 0, {}
for i = 1, tonumber(ARGV[6]) do
  local event, bytes = ARGV[5 + 2 * i], tonumber(ARGV[6 + 2 * i])
  local count = math.max(copies, 1)
  while redis.call('ZCARD', LOG) + count > cap do
    local oldest = redis.call('ZPOPMIN', FIN)
    if #oldest == 0 then break end
    redis.call('ZREM', LOG, oldest[1])
    redis.call('HDEL', REC, oldest[1])
  end
  local fits = redis.call('ZCARD', LOG) + count <= cap
  if not fits then refused[#refused + 1] = 'entries' end
  while fits and tonumber(redis.call('HGET', META, 'pbytes') or '0') + copies * bytes > maxBytes do
    local victim = false
    for _, id in ipairs(redis.call('ZRANGE', PEND, 0, 1)) do
      if not flying[id] then victim = id break end
    end
    if not victim then
      fits = false
      refused[#refused + 1] = 'bytes'
    else
      local record = cjson.decode(redis.call('HGET', REC, victim))
      if record.member then redis.call('ZREM', DUE, record.member) end
      redis.call('LREM', HELD, 0, victim)
      record.state, record.held, record.lastError = 'dropped', false, 'dropped: ' .. why
      finish(victim, record)
      dropped = dropped + 1
    end
  end
  if fits then
    for _ = 1, count do
      local order = redis.call('HINCRBY', META, 'seq', 1)
      local id = pad(order)
      local record = cjson.decode(event)
      record.id, record.order, record.attempts, record.inFlight, record.charged = id, order, 0, false, 0
      if kind then record.fault = kind end
      redis.call('ZADD', LOG, order, id)
      if kind == 'drop' then
        record.state = 'dropped'
        finish(id, record)
      else
        record.state, record.charged = 'pending', bytes
        redis.call('HINCRBY', META, 'pbytes', bytes)
        redis.call('HINCRBY', META, 'pending', 1)
        redis.call('ZADD', PEND, order, id)
        if kind == 'out_of_order' then
          record.held = true
          redis.call('RPUSH', HELD, id)
        else
          record.held, record.nextAttemptAt, record.member = false, due, id .. '|' .. id
          redis.call('ZADD', DUE, due, record.member)
        end
        redis.call('HSET', REC, id, cjson.encode(record))
      end
    end
    if kind ~= 'drop' and kind ~= 'out_of_order' then release() end
    queued = queued + 1
  end
end
touch(ttl)
return {queued, dropped, table.concat(refused, ',')}
`;

/**
 * claim: ARGV = now (account clock), owner, lease ms. `busy` while another attempt of the account holds its lease; an
 * attempt whose lease expired (its instance died) goes back on the schedule first. Then takes the earliest due
 * delivery: {'claimed', its JSON}, or {'idle', pending count}.
 */
export const CLAIM_DUE = `${PRELUDE}
if redis.call('EXISTS', LEASE) == 1 then return {'busy'} end
local back = redis.call('ZRANGE', FLIGHT, 0, -1, 'WITHSCORES')
for i = 1, #back, 2 do redis.call('ZADD', DUE, back[i + 1], back[i]) end
redis.call('DEL', FLIGHT)
while true do
  local due = redis.call('ZRANGE', DUE, '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, 1, 'WITHSCORES')
  if #due == 0 then return {'idle', redis.call('HGET', META, 'pending') or '0'} end
  redis.call('ZREM', DUE, due[1])
  local raw = redis.call('HGET', REC, string.sub(due[1], 14))
  if raw then
    redis.call('ZADD', FLIGHT, due[2], due[1])
    redis.call('SET', LEASE, ARGV[2], 'PX', ARGV[3])
    return {'claimed', raw}
  end
end
`;

/**
 * complete: ARGV = owner, the delivery's JSON after the attempt, TTL ms. Fenced: `lease-lost` unless the lease is
 * still this owner's. A pending delivery goes back on the schedule at its next attempt; a final one is finished.
 */
export const COMPLETE = `${PRELUDE}
if redis.call('GET', LEASE) ~= ARGV[1] then return 'lease-lost' end
redis.call('DEL', LEASE)
local record = cjson.decode(ARGV[2])
if record.member then redis.call('ZREM', FLIGHT, record.member) end
if redis.call('HEXISTS', REC, record.id) == 0 then return 'completed' end
if record.state == 'pending' then
  redis.call('HSET', REC, record.id, ARGV[2])
  if record.nextAttemptAt then redis.call('ZADD', DUE, record.nextAttemptAt, record.member) end
else
  finish(record.id, record)
end
touch(ARGV[3])
return 'completed'
`;

/** page: ARGV = offset, limit (> 0). {total, then the deliveries' JSON, newest first}. */
export const PAGE = `${PRELUDE}
local total = redis.call('ZCARD', LOG)
local ids = redis.call('ZREVRANGE', LOG, tonumber(ARGV[1]), tonumber(ARGV[1]) + tonumber(ARGV[2]) - 1)
if #ids == 0 then return {total} end
return {total, unpack(redis.call('HMGET', REC, unpack(ids)))}
`;

/** forget: KEYS = the list of accounts with work; ARGV = account, stamp, before. Off the list unless stamped since. */
export const FORGET = `
local stamp = redis.call('ZSCORE', KEYS[1], ARGV[1])
if stamp and tonumber(stamp) == tonumber(ARGV[2]) and tonumber(stamp) < tonumber(ARGV[3]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
`;

/**
 * The Notifications API scripts' keys, always these (notificationKeys): signing keys by id (JSON), their order,
 * webhooks by id (JSON), their order, the counter that orders them.
 */
const NOTIFICATION_PRELUDE = `
local KEYS_BY_ID, KEY_ORDER, HOOKS_BY_ID, HOOK_ORDER, SEQ = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local function touch(ttl)
  for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
`;

/**
 * create: ARGV = 'key' or 'hook', the cap, id, JSON, TTL ms, the signing key a webhook names. `limit` at the cap,
 * `unknown-key` for a webhook naming no key of the account, else `ok`.
 */
export const N_CREATE = `${NOTIFICATION_PRELUDE}
local byId, order = KEYS_BY_ID, KEY_ORDER
if ARGV[1] == 'hook' then byId, order = HOOKS_BY_ID, HOOK_ORDER end
if redis.call('HLEN', byId) >= tonumber(ARGV[2]) then return 'limit' end
if ARGV[1] == 'hook' and redis.call('HEXISTS', KEYS_BY_ID, ARGV[6]) == 0 then return 'unknown-key' end
redis.call('HSET', byId, ARGV[3], ARGV[4])
redis.call('ZADD', order, redis.call('INCR', SEQ), ARGV[3])
touch(ARGV[5])
return 'ok'
`;

/**
 * replace: ARGV = webhook id, its JSON as read, its new JSON, the signing key it names, TTL ms. `not-found`,
 * `changed` (written meanwhile: read again), `unknown-key`, or `ok`.
 */
export const N_REPLACE = `${NOTIFICATION_PRELUDE}
local current = redis.call('HGET', HOOKS_BY_ID, ARGV[1])
if not current then return 'not-found' end
if current ~= ARGV[2] then return 'changed' end
if redis.call('HEXISTS', KEYS_BY_ID, ARGV[4]) == 0 then return 'unknown-key' end
redis.call('HSET', HOOKS_BY_ID, ARGV[1], ARGV[3])
touch(ARGV[5])
return 'ok'
`;

/**
 * delete: ARGV = 'key' or 'hook', id. {'not-found'}, {'in-use', the webhooks that sign with the key, oldest first}, or
 * {'ok'}.
 */
export const N_DELETE = `${NOTIFICATION_PRELUDE}
if ARGV[1] == 'hook' then
  if redis.call('HDEL', HOOKS_BY_ID, ARGV[2]) == 0 then return {'not-found'} end
  redis.call('ZREM', HOOK_ORDER, ARGV[2])
  return {'ok'}
end
if redis.call('HEXISTS', KEYS_BY_ID, ARGV[2]) == 0 then return {'not-found'} end
local users = {}
for _, id in ipairs(redis.call('ZRANGE', HOOK_ORDER, 0, -1)) do
  local raw = redis.call('HGET', HOOKS_BY_ID, id)
  if raw and cjson.decode(raw).signing_key_id == ARGV[2] then users[#users + 1] = id end
end
if #users > 0 then return {'in-use', unpack(users)} end
redis.call('HDEL', KEYS_BY_ID, ARGV[2])
redis.call('ZREM', KEY_ORDER, ARGV[2])
return {'ok'}
`;

/** list: ARGV = 'key' or 'hook'. The JSON of each, oldest first. */
export const N_LIST = `${NOTIFICATION_PRELUDE}
local byId, order = KEYS_BY_ID, KEY_ORDER
if ARGV[1] == 'hook' then byId, order = HOOKS_BY_ID, HOOK_ORDER end
local ids = redis.call('ZRANGE', order, 0, -1)
if #ids == 0 then return {} end
return redis.call('HMGET', byId, unpack(ids))
`;

/**
 * event targets: KEYS = the subject account's subscription when ARGV[1] is '1', then five notification keys per
 * recipient account (as notificationKeys lists them). The subscription ('' for none), then per recipient its
 * webhooks' JSON and, when it has any, its signing keys' JSON, oldest first: who hears of an event, in one read.
 */
export const EVENT_TARGETS = `
local reply = {''}
local at = 1
if ARGV[1] == '1' then
  reply[1] = redis.call('GET', KEYS[1]) or ''
  at = 2
end
while at <= #KEYS do
  local hooks = redis.call('ZRANGE', KEYS[at + 3], 0, -1)
  local keys = {}
  if #hooks > 0 then
    hooks = redis.call('HMGET', KEYS[at + 2], unpack(hooks))
    keys = redis.call('ZRANGE', KEYS[at + 1], 0, -1)
    if #keys > 0 then keys = redis.call('HMGET', KEYS[at], unpack(keys)) end
  end
  reply[#reply + 1] = hooks
  reply[#reply + 1] = keys
  at = at + 5
end
return reply
`;
