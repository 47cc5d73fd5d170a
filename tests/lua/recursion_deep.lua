-- Deep (non-tail) recursion that must fit: 10000 levels of Lua calls and pcall nesting.
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(10000))
local function sum_list(node) if not node then return 0 end return node.v + sum_list(node.next) end
local list
for i = 1, 5000 do list = { v = i, next = list } end
print(sum_list(list))
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(ack(2, 300), ack(3, 5))
local function pdepth(n) if n == 0 then return "bottom" end local ok, v = pcall(pdepth, n - 1); return v end
print(pdepth(150))
local function build(n) if n == 0 then return {} end return { build(n - 1) } end
local t = build(1000)
local d = 0
while t[1] do t = t[1]; d = d + 1 end
print(d)
