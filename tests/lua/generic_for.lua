-- Generic for: stateless iterators, closures, custom iterators, early break, nil stops.
local function range(n)
  local i = 0
  return function() i = i + 1; if i <= n then return i end end
end
local s = {}
for i in range(5) do s[#s + 1] = i end
print(table.concat(s, ","))
local function iter(t, i)
  i = i + 1
  if t[i] then return i, t[i] end
end
for i, v in iter, {"a", "b", "c"}, 0 do io.write(i, v, " ") end
print()
for k, v in pairs({10, 20, 30}) do io.write(k, "=", v, " ") end
print()
for i, v in ipairs({1, 2, nil, 4}) do io.write(i, ":", v, " ") end
print()
local function pairs_sorted(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  local i = 0
  return function() i = i + 1; local k = keys[i]; if k ~= nil then return k, t[k] end end
end
for k, v in pairs_sorted({b = 2, a = 1, c = 3}) do io.write(k, v, " ") end
print()
for i in range(100) do if i > 3 then break end io.write(i, " ") end
print()
local words = {}
for w in string.gmatch("the quick brown fox", "%a+") do words[#words + 1] = w end
print(#words, words[4])
local function three_vals() local n = 0 return function() n = n + 1 if n < 3 then return n, n * 2, n * 3 end end end
for a, b, c in three_vals() do print(a, b, c) end
local mt_iter = setmetatable({}, { __call = function(self, _, last) last = (last or 0) + 1; if last <= 2 then return last end end })
for v in mt_iter do io.write("callable ", v, " ") end
print()
print(pcall(function() for x in 42 do end end))
