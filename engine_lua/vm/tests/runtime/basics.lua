print("hello", 1, 2.5, nil, true, 10/2, 3//2, 2^10)
local t = {1,2,3,x=5}
print(#t, t.x, t[2])
local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
print(fib(20))
for i = 1, 3 do io = i end
print(io)
for k, v in ipairs(t) do print(k, v) end
local s = 0
for i = 10, 1, -2 do s = s + i end
print(s)
print(select('#', 1, 2, 3), select(2, 'a', 'b', 'c'))
print(pcall(error, "x"))
print(pcall(function() local a; return a.b end))
local function va(...) return select('#', ...), ... end
print(va(1, nil, 3))
print("a" .. "b" .. 1 .. 2.0)
local mt = {__add = function(a, b) return "added" end, __index = function(t, k) return k .. "!" end}
local o = setmetatable({}, mt)
print(o + 1, o.foo)
print(tostring(nil), tonumber("0x10"), tonumber("z", 36), tonumber("  12  "))
local co = coroutine.create(function(a, b) local c = coroutine.yield(a + b) print("got", c) return "done" end)
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, "x"))
print(coroutine.resume(co))
print(coroutine.status(co))
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
print(gen(), gen(), gen())
