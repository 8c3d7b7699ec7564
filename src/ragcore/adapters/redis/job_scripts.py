"""Lua of RedisJobQueue (keys in ``jobs.py``): every write keeps the record and its indexes in step.

A job is written from 10 arguments: id, json, status, priority, document_id, created_us,
available_us, updated_us, lease_owner ('' = none), lease_expires_us ('' = none). Routing by status:
queued -> the delayed set (scored by available_at; ``lease`` moves due ones to a stream); running ->
keeps its stream entry (a heartbeat does not re-add it); ended -> entry acked and deleted, scored in
the finished set (and the dead-letter set when failed). Stream entries carry the job id; the record
remembers its entry (``entry``, ``sprio``) so stale entries are recognised and dropped.
"""

from ragcore.adapters.redis.lease_script import LEASE

COMMON = """
local P, G = ARGV[1], 'workers'
local PRIOS, DELAYED = P .. ':jobs:priorities', P .. ':jobs:delayed'
local FINISHED, DEAD, ALL = P .. ':jobs:finished', P .. ':jobs:dead', P .. ':jobs:all'
local function job_key(id) return P .. ':job:' .. id end
local function stream_key(prio) return P .. ':jobs:stream:' .. prio end
local function status_key(s) return P .. ':jobs:status:' .. s end
local function doc_key(d) return P .. ':jobs:doc:' .. d end

local function drop_entry(stream, entry)
  redis.call('XACK', stream, G, entry)
  redis.call('XDEL', stream, entry)
end

local function unstream(id)
  local e = redis.call('HMGET', job_key(id), 'entry', 'sprio')
  if not e[1] then return end
  local stream = stream_key(e[2])
  redis.call('HDEL', job_key(id), 'entry', 'sprio')
  if redis.call('EXISTS', stream) == 0 then return end
  drop_entry(stream, e[1])
  if redis.call('XLEN', stream) == 0 then
    redis.call('DEL', stream)
    redis.call('ZREM', PRIOS, e[2])
  end
end

local function enstream(id, prio)
  local stream = stream_key(prio)
  if redis.call('EXISTS', stream) == 0 then
    redis.call('XGROUP', 'CREATE', stream, G, '0', 'MKSTREAM')
    redis.call('ZADD', PRIOS, prio, prio)
  end
  local entry = redis.call('XADD', stream, '*', 'job', id)
  redis.call('HSET', job_key(id), 'entry', entry, 'sprio', prio)
end

local function unindex(id, keep_entry)
  local h = redis.call('HMGET', job_key(id), 'status', 'doc')
  if not h[1] then return end
  if not keep_entry then unstream(id) end
  redis.call('ZREM', status_key(h[1]), id)
  redis.call('ZREM', doc_key(h[2]), id)
  for _, key in ipairs({ALL, DELAYED, FINISHED, DEAD}) do redis.call('ZREM', key, id) end
end

local function drop(id)
  unindex(id, false)
  redis.call('DEL', job_key(id))
end

local function write(base)
  local id, status, prio, created = ARGV[base], ARGV[base + 2], ARGV[base + 3], ARGV[base + 5]
  local key = job_key(id)
  unindex(id, redis.call('HGET', key, 'status') == 'running' and status == 'running')
  redis.call('HSET', key, 'json', ARGV[base + 1], 'status', status, 'priority', prio, 'doc', ARGV[base + 4],
    'created', created, 'owner', ARGV[base + 8], 'expires', ARGV[base + 9])
  redis.call('ZADD', ALL, created, id)
  redis.call('ZADD', status_key(status), created, id)
  redis.call('ZADD', doc_key(ARGV[base + 4]), created, id)
  if status == 'queued' then
    redis.call('ZADD', DELAYED, ARGV[base + 6], id)
  elseif status == 'running' then
    if not redis.call('HGET', key, 'entry') then enstream(id, prio) end
  else
    redis.call('ZADD', FINISHED, ARGV[base + 7], id)
    if status == 'failed' then redis.call('ZADD', DEAD, ARGV[base + 7], id) end
  end
end
"""

ENQUEUE = COMMON + """
if redis.call('EXISTS', job_key(ARGV[2])) == 1 then return 'exists' end
write(2)
return 'ok'
"""

UPDATE = COMMON + """
if redis.call('EXISTS', job_key(ARGV[2])) == 0 then return 'missing' end
write(2)
return 'ok'
"""

SAVE = COMMON + """
-- ARGV: prefix, worker id, job. Fenced: only the holder of the lease may write.
local h = redis.call('HMGET', job_key(ARGV[3]), 'status', 'owner')
if not h[1] then return 'missing' end
if h[1] == 'cancelled' then return 'cancelled' end
if h[1] ~= 'running' or h[2] ~= ARGV[2] then return 'lost' end
write(3)
return 'ok'
"""

PURGE = COMMON + """
-- ARGV: prefix, before_us. Deletes ended jobs updated strictly before; returns how many.
local ids = redis.call('ZRANGEBYSCORE', FINISHED, '-inf', '(' .. ARGV[2])
for _, id in ipairs(ids) do drop(id) end
return #ids
"""

REMOVE_FOR_DOCUMENT = COMMON + """
-- ARGV: prefix, document id.
for _, id in ipairs(redis.call('ZRANGE', doc_key(ARGV[2]), 0, -1)) do drop(id) end
redis.call('DEL', doc_key(ARGV[2]))
return 'ok'
"""

LEASE_ALL = COMMON + LEASE
