"""Lua scripts of RedisDocumentRepository: each keeps a record and its indexes consistent atomically.

Keys are built inside the scripts from the prefix (ARGV[1]); see ``registry.py`` for the layout.
A document is passed as 7 arguments: id, json, collection_id, sha256, status, size_bytes, created_us.
"""

_COMMON = """
local P = ARGV[1]
local function doc_key(id) return P .. ':doc:' .. id end
local function sha_key(cid) return P .. ':docs:sha:' .. cid end
local function count_key(cid) return P .. ':docs:count:' .. cid end

local function index(id, cid, sha, status, size, created)
  redis.call('ZADD', P .. ':docs:all', created, id)
  redis.call('ZADD', P .. ':docs:coll:' .. cid, created, id)
  redis.call('SADD', P .. ':docs:status:' .. status, id)
  redis.call('HSET', sha_key(cid), sha, id)
  redis.call('HINCRBY', count_key(cid), 'documents', 1)
  redis.call('HINCRBY', count_key(cid), 'bytes', size)
end

-- Removes the stored document ``id`` from every index; returns false when it is absent.
local function unindex(id)
  local raw = redis.call('GET', doc_key(id))
  if not raw then return false end
  local old = cjson.decode(raw)
  local cid = old.collection_id
  redis.call('ZREM', P .. ':docs:all', id)
  redis.call('ZREM', P .. ':docs:coll:' .. cid, id)
  redis.call('SREM', P .. ':docs:status:' .. old.status, id)
  if redis.call('HGET', sha_key(cid), old.sha256) == id then redis.call('HDEL', sha_key(cid), old.sha256) end
  local left = redis.call('HINCRBY', count_key(cid), 'documents', -1)
  redis.call('HINCRBY', count_key(cid), 'bytes', string.format('%d', -old.size_bytes))
  if left <= 0 then redis.call('DEL', count_key(cid)) end
  return true
end

-- The id of another document holding (cid, sha), or false.
local function holder(id, cid, sha)
  local other = redis.call('HGET', sha_key(cid), sha)
  if other and other ~= id then return other end
  return false
end
"""

ADD_MANY = _COMMON + """
-- ARGV: prefix, then 7 values per document. Returns {} or {'duplicate', offending id}.
local seen_ids, seen_shas = {}, {}
for i = 2, #ARGV, 7 do
  local id, cid, sha = ARGV[i], ARGV[i + 2], ARGV[i + 3]
  local pair = cid .. '\\n' .. sha
  if seen_ids[id] or seen_shas[pair] or redis.call('EXISTS', doc_key(id)) == 1
      or redis.call('HEXISTS', sha_key(cid), sha) == 1 then
    return {'duplicate', id}
  end
  seen_ids[id], seen_shas[pair] = true, true
end
for i = 2, #ARGV, 7 do
  redis.call('SET', doc_key(ARGV[i]), ARGV[i + 1])
  index(ARGV[i], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6])
end
return {}
"""

UPDATE = _COMMON + """
-- ARGV: prefix, one document. Returns {} or {'missing'} or {'duplicate', holder id}.
local id, cid, sha = ARGV[2], ARGV[4], ARGV[5]
if redis.call('EXISTS', doc_key(id)) == 0 then return {'missing'} end
local other = holder(id, cid, sha)
if other then return {'duplicate', other} end
unindex(id)
redis.call('SET', doc_key(id), ARGV[3])
index(id, cid, sha, ARGV[6], ARGV[7], ARGV[8])
return {}
"""

REMOVE_MANY = _COMMON + """
-- ARGV: prefix, ids. Returns how many documents existed and were deleted.
local removed = 0
for i = 2, #ARGV do
  if unindex(ARGV[i]) then
    redis.call('DEL', doc_key(ARGV[i]))
    removed = removed + 1
  end
end
return removed
"""
