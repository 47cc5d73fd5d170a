-- Coroutine edge cases: yield across C-call boundaries (sort, gsub, tostring), resume of
-- a running or normal coroutine, wrap after death, yield with many values, recursion.
local function try_yield_in(fn)
  local co = coroutine.create(fn)
  local ok, err = coroutine.resume(co)
  return ok, err, coroutine.status(co)
end
print(try_yield_in(function() table.sort({ 3, 2, 1 }, function(a, b) coroutine.yield() return a < b end) end))
print(try_yield_in(function() return (("abc"):gsub(".", function(c) coroutine.yield(c) end)) end))
print(try_yield_in(function() return tostring(setmetatable({}, { __tostring = function() coroutine.yield() return "x" end })) end))
print(try_yield_in(function()
  local f, err = load(function() coroutine.yield() end)
  coroutine.yield(tostring(f) .. " " .. err:match("^[^\n]*"))
end))
local co
co = coroutine.create(function() return coroutine.resume(co) end)
print(coroutine.resume(co))
local outer
outer = coroutine.create(function()
  local inner = coroutine.create(function() return coroutine.resume(outer) end)
  return coroutine.resume(inner)
end)
print(coroutine.resume(outer))
local many = coroutine.create(function(...)
  local got = { coroutine.yield(...) }
  return #got, table.unpack(got)
end)
local vals = {}
for i = 1, 100 do vals[i] = i end
local res = { coroutine.resume(many, table.unpack(vals)) }
print(#res, res[1], res[2], res[101])
print(coroutine.resume(many, "a", nil, "c"))
local function gen_tree(depth)
  if depth == 0 then coroutine.yield(depth) return end
  gen_tree(depth - 1)
  coroutine.yield(depth)
  gen_tree(depth - 1)
end
local count = 0
for _ in coroutine.wrap(function() gen_tree(10) end) do count = count + 1 end
print(count)
local w = coroutine.wrap(function() return 1 end)
w()
print(pcall(w))
print(select("#", coroutine.running()), coroutine.isyieldable())
local co2 = coroutine.create(function(a) local b = coroutine.yield(a + 1); error("err " .. b) end)
print(coroutine.resume(co2, 1))
print(coroutine.resume(co2, "x"))
print(coroutine.status(co2), coroutine.resume(co2))
local nest = 0
local function chain(n)
  if n == 0 then return coroutine.yield("bottom") end
  local c = coroutine.wrap(chain)
  nest = nest + 1
  return c(n - 1)
end
print(coroutine.wrap(chain)(50), nest)
