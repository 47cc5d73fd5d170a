-- next and pairs: full traversal (printed sorted), deletion during traversal, __pairs.
local t = { 10, 20, 30, a = 1, b = 2, c = 3, [1.5] = "f", [true] = "t" }
local keys = {}
for k, v in pairs(t) do keys[#keys + 1] = tostring(k) .. "=" .. tostring(v) end
table.sort(keys)
print(table.concat(keys, " "))
print(next({}))
print(next({ 5 }))
local k, v = next(t)
print(k ~= nil, v ~= nil)
local n = 0
for key in pairs(t) do t[key] = nil; n = n + 1 end
print(n, next(t))
local big = {}
for i = 1, 100 do big["k" .. i] = i end
local sum, cnt = 0, 0
for key, val in pairs(big) do
  if val % 2 == 0 then big[key] = nil end
  sum = sum + val; cnt = cnt + 1
end
print(sum, cnt)
cnt = 0
for _ in pairs(big) do cnt = cnt + 1 end
print(cnt)
local proxy = setmetatable({}, { __pairs = function(self)
  local i = 0
  return function() i = i + 1; if i <= 3 then return i, i * i end end, self, nil
end })
for a, b in pairs(proxy) do io.write(a, ":", b, " ") end
print()
print(pcall(next, {}, "nokey"))
print(type(next), select("#", next({})))
local arr = { "x", "y", "z" }
local order = {}
for i, val in pairs(arr) do order[#order + 1] = i .. val end
print(table.concat(order, ","))
