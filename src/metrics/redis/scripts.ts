import { createHash } from 'node:crypto';

/**
 * Applies one part of a write batch atomically and at most once.
 *
 * ARGV[2] is the part's deadline, epoch ms in the server's clock ('0' =
 * none): a call run after it (held on a hung connection, run once the server
 * resumes) writes nothing and returns `{-2}`, so a batch its caller gave up on
 * can never land later. Checked first, before the marker.
 *
 * KEYS[1] is the part's marker (same hash tag as the other keys); `SET NX EX`
 * on it fails when the part was applied before (a retry after a lost reply),
 * and the script returns `{-1}` without writing. KEYS[2..] are the op keys.
 * ARGV[1] is the marker TTL in seconds; then, per op key: opcode, NX expiry,
 * LT expiry (epoch seconds, '0' = none), item count, items.
 *
 * Opcodes: `hi` HINCRBY field/delta pairs (falls back to HINCRBYFLOAT for
 * decimals), `hs` HSET pairs, `pf` PFADD members, `sa` SADD, `sr` SREM,
 * `st` SET (one item), `dl` DEL. Expiries are set with `EXPIREAT … NX` (the
 * bucket's retention, fixed when the key is created) and `EXPIREAT … LT`
 * (a per-call `expire`), inside the script: nothing is re-sent per write.
 *
 * Every command runs under `pcall`, so one foreign key of the wrong type
 * cannot abort the part half-way; rejected ops are counted and the first
 * error returned: `{rejected, firstError}`.
 */
export const APPLY_SCRIPT = `
local deadline = tonumber(ARGV[2])
if deadline > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > deadline then
    return {-2, ''}
  end
end
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) == false then
  return {-1, ''}
end
local a = 3
local rejected = 0
local first = ''
local function ok(reply)
  if type(reply) == 'table' and reply.err then
    rejected = rejected + 1
    if first == '' then first = reply.err end
    return false
  end
  return true
end
for k = 2, #KEYS do
  local key = KEYS[k]
  local op = ARGV[a]
  local nx = ARGV[a + 1]
  local lt = ARGV[a + 2]
  local n = tonumber(ARGV[a + 3])
  a = a + 4
  local good = true
  if op == 'hi' then
    for j = a, a + 2 * n - 1, 2 do
      local reply = redis.pcall('HINCRBY', key, ARGV[j], ARGV[j + 1])
      if type(reply) == 'table' and reply.err then
        if not ok(redis.pcall('HINCRBYFLOAT', key, ARGV[j], ARGV[j + 1])) then good = false end
      end
    end
    a = a + 2 * n
  elseif op == 'hs' then
    for j = a, a + 2 * n - 1, 2 do
      if not ok(redis.pcall('HSET', key, ARGV[j], ARGV[j + 1])) then good = false end
    end
    a = a + 2 * n
  elseif op == 'pf' then
    good = ok(redis.pcall('PFADD', key, unpack(ARGV, a, a + n - 1)))
    a = a + n
  elseif op == 'sa' then
    good = ok(redis.pcall('SADD', key, unpack(ARGV, a, a + n - 1)))
    a = a + n
  elseif op == 'sr' then
    good = ok(redis.pcall('SREM', key, unpack(ARGV, a, a + n - 1)))
    a = a + n
  elseif op == 'st' then
    good = ok(redis.pcall('SET', key, ARGV[a]))
    a = a + n
  elseif op == 'dl' then
    redis.call('DEL', key)
    a = a + n
  end
  if good and nx ~= '0' then redis.pcall('EXPIREAT', key, nx, 'NX') end
  if good and lt ~= '0' then redis.pcall('EXPIREAT', key, lt, 'LT') end
end
return {rejected, first}
`;

/** SHA1 of {@link APPLY_SCRIPT}, for EVALSHA. */
export const APPLY_SCRIPT_SHA = createHash('sha1').update(APPLY_SCRIPT).digest('hex');
