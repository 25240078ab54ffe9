import type * as crypto from 'node:crypto';
import { builtin } from '../../event/builtin.js';

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
 * decimals), `hs` HSET pairs, `hI`/`hS` the same with (field, value, expiry)
 * triples: fields that expire on their own (a per-call `expire`), `hm`/`hM` field/value pairs: each field
 * becomes the min/max of its value and the given one (the given one when missing; timing buckets), `pf` PFADD members, `sa` SADD, `sr` SREM,
 * `st` SET (one item), `dl` DEL, `ha` HSET one field and add the difference
 * from its previous value to a counter hash field (items: field, value,
 * counter field; the counter hash is the next KEYS entry). Expiries are set with `EXPIREAT … NX` (the
 * bucket's retention, fixed when the key is created) and `EXPIREAT … LT`
 * (key level), inside the script: nothing is re-sent per write.
 *
 * Field expiries (Redis 7.0 has no HEXPIRE) live in a companion hash
 * `<key>:ttl` (field → epoch seconds; same hash tag, so same slot), holding
 * the earliest expiry given. Before any write to a hash whose companion
 * exists, its expired fields are deleted from both, so a later write starts
 * afresh; reads treat a field whose expiry has passed as missing.
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
local function incrby(key, field, delta)
  local whole = delta == math.floor(delta) and math.abs(delta) < 9007199254740992
  local reply = whole and redis.pcall('HINCRBY', key, field, string.format('%d', delta)) or {err = 'float'}
  if type(reply) == 'table' and reply.err then return ok(redis.pcall('HINCRBYFLOAT', key, field, string.format('%.17g', delta))) end
  return true
end
local k = 1
while k < #KEYS do
  k = k + 1
  local key = KEYS[k]
  local op = ARGV[a]
  local nx = ARGV[a + 1]
  local lt = ARGV[a + 2]
  local n = tonumber(ARGV[a + 3])
  a = a + 4
  local good = true
  local hash = op == 'hi' or op == 'hs' or op == 'hI' or op == 'hS' or op == 'ha'
  local ttl = key .. ':ttl'
  if hash and redis.call('EXISTS', ttl) == 1 then
    local now = tonumber(redis.call('TIME')[1])
    local expiries = redis.call('HGETALL', ttl)
    for j = 1, #expiries, 2 do
      if tonumber(expiries[j + 1]) <= now then
        redis.pcall('HDEL', key, expiries[j])
        redis.call('HDEL', ttl, expiries[j])
      end
    end
  end
  if op == 'hi' or op == 'hs' or op == 'hI' or op == 'hS' then
    local step = (op == 'hI' or op == 'hS') and 3 or 2
    for j = a, a + step * n - 1, step do
      local applied = true
      if op == 'hi' or op == 'hI' then
        local reply = redis.pcall('HINCRBY', key, ARGV[j], ARGV[j + 1])
        if type(reply) == 'table' and reply.err then applied = ok(redis.pcall('HINCRBYFLOAT', key, ARGV[j], ARGV[j + 1])) end
      else
        applied = ok(redis.pcall('HSET', key, ARGV[j], ARGV[j + 1]))
      end
      if not applied then good = false end
      if applied and step == 3 and ARGV[j + 2] ~= '0' then
        local current = tonumber(redis.call('HGET', ttl, ARGV[j]))
        if current == nil or tonumber(ARGV[j + 2]) < current then redis.call('HSET', ttl, ARGV[j], ARGV[j + 2]) end
        if nx ~= '0' then redis.call('EXPIREAT', ttl, nx, 'NX') end
      end
    end
    a = a + step * n
  elseif op == 'hm' or op == 'hM' then
    for j = a, a + 2 * n - 1, 2 do
      local current = redis.pcall('HGET', key, ARGV[j])
      if ok(current) then
        local value = tonumber(ARGV[j + 1])
        local old = tonumber(current)
        if old == nil or (op == 'hm' and value < old) or (op == 'hM' and value > old) then
          if not ok(redis.pcall('HSET', key, ARGV[j], ARGV[j + 1])) then good = false end
        end
      else
        good = false
      end
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
  elseif op == 'ha' then
    k = k + 1
    local previous = redis.pcall('HGET', key, ARGV[a])
    good = ok(previous)
    if good then
      local delta = tonumber(ARGV[a + 1]) - (tonumber(previous) or 0)
      good = ok(redis.pcall('HSET', key, ARGV[a], ARGV[a + 1]))
      if good and delta ~= 0 then incrby(KEYS[k], ARGV[a + 2], delta) end
    end
    a = a + n
  end
  if good and nx ~= '0' then redis.pcall('EXPIREAT', key, nx, 'NX') end
  if good and lt ~= '0' then redis.pcall('EXPIREAT', key, lt, 'LT') end
end
return {rejected, first}
`;

/** SHA1 of {@link APPLY_SCRIPT}, for EVALSHA. */
let applyScriptSha: string | undefined;

/** The SHA-1 of {@link APPLY_SCRIPT}, as `EVALSHA` takes it (computed at first use, not at import). */
export function applyScriptSha1(): string {
  return (applyScriptSha ??= builtin<typeof crypto>('node:crypto').createHash('sha1').update(APPLY_SCRIPT).digest('hex'));
}
