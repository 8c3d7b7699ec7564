"""Lua body of ``RedisJobQueue.lease`` (appended to ``job_scripts.COMMON``): one atomic hand-out.

ARGV: prefix, worker id, now_us, now (ISO), lease_expires_us, lease_expires_at (ISO).
1. Move every queued job of the delayed set due at ``now`` to the stream of its priority, earliest
   available_at first.
2. For each priority, highest first: XPENDING scans the in-flight entries (delivered, not acked) and
   the first whose record is running with ``lease_expires_at < now`` is XCLAIMed by this worker; else
   XREADGROUP delivers the next new entry. Stale entries (record gone, ended or re-queued) are acked
   and deleted; a delivered entry whose record holds a live lease stays pending until it expires.
3. The record becomes running under ``worker`` (attempts + 1); its JSON is returned, or false.
Judged by the caller's clock only, never by Redis idle times.
"""

LEASE = """
local worker, now, PAGE = ARGV[2], tonumber(ARGV[3]), 100

local function promote_due()
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', DELAYED, '-inf', ARGV[3])) do
    redis.call('ZREM', DELAYED, id)
    local h = redis.call('HMGET', job_key(id), 'status', 'priority')
    if h[1] == 'queued' then
      unstream(id)
      enstream(id, h[2])
    end
  end
end

local function is_live_entry(id, entry)
  return redis.call('HGET', job_key(id), 'entry') == entry
end

local function expired(id)
  local h = redis.call('HMGET', job_key(id), 'status', 'expires')
  return h[1] == 'running' and h[2] ~= '' and tonumber(h[2]) < now
end

local function take(id)
  local key = job_key(id)
  local h = redis.call('HMGET', key, 'json', 'status', 'created')
  local job = cjson.decode(h[1])
  job.status, job.lease_owner, job.lease_expires_at = 'running', worker, ARGV[6]
  job.attempts, job.updated_at = job.attempts + 1, ARGV[4]
  local json = cjson.encode(job)
  redis.call('ZREM', status_key(h[2]), id)
  redis.call('ZADD', status_key('running'), h[3], id)
  redis.call('HSET', key, 'json', json, 'status', 'running', 'owner', worker, 'expires', ARGV[5])
  return json
end

local function reclaim(stream)
  local start = '-'
  repeat
    local page = redis.call('XPENDING', stream, G, start, '+', PAGE)
    for _, pending in ipairs(page) do
      local entry = pending[1]
      local found = redis.call('XRANGE', stream, entry, entry)
      local id = #found > 0 and found[1][2][2]
      if not (id and is_live_entry(id, entry)) then
        drop_entry(stream, entry)
      elseif expired(id) then
        redis.call('XCLAIM', stream, G, worker, 0, entry, 'JUSTID')
        return take(id)
      end
    end
    if #page > 0 then start = '(' .. page[#page][1] end
  until #page < PAGE
  return false
end

local function fresh(stream)
  while true do
    local got = redis.call('XREADGROUP', 'GROUP', G, worker, 'COUNT', 1, 'STREAMS', stream, '>')
    if not got then return false end
    local entry, fields = got[1][2][1][1], got[1][2][1][2]
    local id = fields[2]
    local status = is_live_entry(id, entry) and redis.call('HGET', job_key(id), 'status')
    if status == 'queued' or (status == 'running' and expired(id)) then return take(id) end
    if status ~= 'running' then drop_entry(stream, entry) end
  end
end

promote_due()
for _, prio in ipairs(redis.call('ZREVRANGE', PRIOS, 0, -1)) do
  local stream = stream_key(prio)
  if redis.call('EXISTS', stream) == 1 then
    local json = reclaim(stream) or fresh(stream)
    if json then return json end
  end
  if redis.call('EXISTS', stream) == 0 or redis.call('XLEN', stream) == 0 then
    redis.call('DEL', stream)
    redis.call('ZREM', PRIOS, prio)
  end
end
return false
"""
