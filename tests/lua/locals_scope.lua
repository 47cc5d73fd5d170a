-- Local variables: shadowing, block scope, multiple assignment evaluation order.
local x = 1
do
  local x = x + 1
  print("inner", x)
  do local x = x * 10; print("inner2", x) end
  print("inner again", x)
end
print("outer", x)
local a, b, c = 1, 2
print(a, b, c)
local d, e = (function() return 1, 2, 3 end)()
print(d, e)
a, b = b, a
print(a, b)
local t = {}
local i = 1
i, t[i] = i + 1, 20
print(i, t[1], t[2])
g1 = "global"
local g1 = "local"
print(g1, _ENV.g1, _G.g1)
for x = 1, 2 do local x = x * 100; print("loop", x) end
print(x)
local function rec(n) if n == 0 then return 0 end return n + rec(n - 1) end
print(rec(10))
local y <const> = 42
print(y)
do
  local a = 1
  local function get() return a end
  a = 2
  print(get())
end
local z
print(z)
local p, q = 1
print(p, q)
local many1, many2, many3, many4, many5, many6, many7, many8 = 1, 2, 3, 4, 5, 6, 7, 8
print(many1 + many2 + many3 + many4 + many5 + many6 + many7 + many8)
