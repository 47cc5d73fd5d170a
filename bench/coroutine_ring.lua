-- coroutine_ring: a token passed around a ring of coroutines (resume/yield switching),
-- plus a generator pipeline.
-- usage: coroutine_ring.lua [passes]   (default 8000000)
local passes = tonumber(arg and arg[1]) or 8000000
local size = 503

local ring = {}
for id = 1, size do
  ring[id] = coroutine.create(function(token)
    while true do token = coroutine.yield(id, token - 1) end
  end)
end

local token, id = passes, 1
local last
while token > 0 do
  local _, who, left = coroutine.resume(ring[id], token)
  last, token = who, left
  id = id % size + 1
end
print(string.format("token reached zero at coroutine %d", last))

local function gen(limit)
  return coroutine.wrap(function() for i = 1, limit do coroutine.yield(i) end end)
end
local function filter(pred, src)
  return coroutine.wrap(function() for v in src do if pred(v) then coroutine.yield(v) end end end)
end
local function map(f, src)
  return coroutine.wrap(function() for v in src do coroutine.yield(f(v)) end end)
end
local sum = 0
for v in map(function(x) return x * 2 end, filter(function(x) return x % 3 == 0 end, gen(passes / 10))) do
  sum = sum + v
end
print(string.format("pipeline sum %d", sum))
