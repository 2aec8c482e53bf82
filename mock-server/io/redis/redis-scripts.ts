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
