-- yield across pcall
local co = coroutine.create(function(x)
  local ok, v = pcall(function()
    local r = coroutine.yield(x + 1)
    error("err:" .. r, 0)
  end)
  print("pcall ->", ok, v)
  local r2 = coroutine.yield("second")
  return "end", r2
end)
print(coroutine.resume(co, 1))
print(coroutine.resume(co, "A"))
print(coroutine.resume(co, "B"))
print(coroutine.resume(co))
-- yield inside metamethod
local mt = {__index = function(t, k) return coroutine.yield(k) end,
  __add = function(a, b) return coroutine.yield("add") end,
  __lt = function(a, b) return coroutine.yield("lt") end,
  __concat = function(a, b) return coroutine.yield("cat") end,
  __eq = function(a, b) return coroutine.yield("eq") end}
local co2 = coroutine.wrap(function()
  local o = setmetatable({}, mt)
  local v = o.foo
  print("index got", v)
  print("add got", o + 1)
  print("lt got", o < o)
  print("cat got", o .. "x" .. "y")
  print("eq got", o == setmetatable({}, mt))
  return "fin"
end)
print(co2()) print(co2(10)) print(co2(20)) print(co2(false)) print(co2("C")) print(co2(true))
-- yield in iterator
local function iter() return coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i, i * i) end end) end
for i, sq in iter() do print(i, sq) end
-- generic for with yields in body inside coroutine
local co3 = coroutine.wrap(function() for k, v in pairs({a = 1}) do coroutine.yield(k, v) end return "done" end)
print(co3()) print(co3())
-- status / running / isyieldable
local main, ismain = coroutine.running()
print(type(main), ismain, coroutine.isyieldable())
local co4
co4 = coroutine.create(function()
  print(coroutine.status(co4), coroutine.isyieldable(), select(2, coroutine.running()))
  local inner = coroutine.create(function() print("outer is", coroutine.status(co4)) end)
  coroutine.resume(inner)
end)
print(coroutine.status(co4)) coroutine.resume(co4) print(coroutine.status(co4))
print(coroutine.resume(co4))
print(pcall(coroutine.yield, 1))
-- error inside wrap
local w = coroutine.wrap(function() error("inside") end)
print(pcall(w))
local w2 = coroutine.wrap(function() error(setmetatable({}, {__tostring = function() return "E" end})) end)
print(select("#", pcall(w2)), tostring(select(2, pcall(w2))))
-- yield across C boundary: via sort comparator we cannot (no table lib); use tostring metamethod
local co5 = coroutine.create(function()
  local o = setmetatable({}, {__tostring = function() coroutine.yield("x") return "s" end})
  return tostring(o)
end)
print(coroutine.resume(co5))
-- close
local co6 = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() print("closed x") end}) coroutine.yield() end)
coroutine.resume(co6)
print(coroutine.close(co6), coroutine.status(co6))
print(coroutine.close(coroutine.create(print)))
local co7 = coroutine.create(function() error("e7") end)
print(coroutine.resume(co7))
print(coroutine.close(co7))
-- wrap dead
local w3 = coroutine.wrap(function() return 1 end)
w3()
print(pcall(w3))
print(select("#", coroutine.resume(coroutine.create(function() return end))))
-- recursion inside coroutine and deep yields
local function deep(n) if n == 0 then coroutine.yield("bottom") return 0 end return 1 + deep(n - 1) end
local co8 = coroutine.wrap(function() return deep(1000) end)
print(co8(), co8())
