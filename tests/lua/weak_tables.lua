-- Weak tables after a full collection: weak keys, weak values, ephemerons, strings stay.
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local wk = setmetatable({}, { __mode = "k" })
local wv = setmetatable({}, { __mode = "v" })
local kv = setmetatable({}, { __mode = "kv" })
local keep = {}
for i = 1, 10 do
  local obj = {}
  if i <= 3 then keep[i] = obj end
  wk[obj] = i
  wv[i] = obj
  kv[obj] = obj
end
wv.str = "strings are values, not collectable objects"
wv.num = 42
collectgarbage()
collectgarbage()
print(count(wk), count(wv), count(kv))
print(wv.str ~= nil, wv.num)
local eph = setmetatable({}, { __mode = "k" })
do
  local k1 = {}
  eph[k1] = { ref = k1 }
  local k2 = {}
  eph[k2] = { ref = keep[1] }
  keep.k2 = k2
end
collectgarbage()
print(count(eph))
keep = nil
collectgarbage()
print(count(wk), count(kv), count(eph))
local cache = setmetatable({}, { __mode = "v" })
local function get(n) local v = cache[n]; if not v then v = { n = n }; cache[n] = v end return v end
local held = get(1)
get(2)
collectgarbage()
print(cache[1] == held, cache[2])
print(getmetatable(wk).__mode, collectgarbage("count") > 0, math.type(collectgarbage("count")))
