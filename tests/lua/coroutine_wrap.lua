-- coroutine.wrap: generators, errors propagate with position, dead wrap calls fail.
local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local s = 0
for i in range(10) do s = s + i end
print(s)
local function permgen(a, n)
  n = n or #a
  if n <= 1 then coroutine.yield(a) else
    for i = 1, n do
      a[n], a[i] = a[i], a[n]
      permgen(a, n - 1)
      a[n], a[i] = a[i], a[n]
    end
  end
end
local perms = {}
for p in coroutine.wrap(function() permgen({ "a", "b", "c" }) end) do perms[#perms + 1] = table.concat(p) end
table.sort(perms)
print(table.concat(perms, " "))
local w = coroutine.wrap(function(x) local y = coroutine.yield(x * 2); return y + 1 end)
print(w(5), w(10))
print(pcall(w))
local bad = coroutine.wrap(function() error("inside wrap") end)
print(pcall(bad))
local bad2 = coroutine.wrap(function() error({ code = 1 }) end)
local ok, e = pcall(bad2)
print(ok, type(e), e.code)
local fib = coroutine.wrap(function()
  local a, b = 0, 1
  while true do coroutine.yield(a); a, b = b, a + b end
end)
local fibs = {}
for _ = 1, 15 do fibs[#fibs + 1] = fib() end
print(table.concat(fibs, " "))
local many = coroutine.wrap(function(...) local t = { ... }; coroutine.yield(#t, ...); return "end" end)
print(many(1, 2, 3))
print(many())
