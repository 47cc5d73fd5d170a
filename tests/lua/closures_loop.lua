-- Closures created in loops capture a fresh variable per iteration.
local fs = {}
for i = 1, 5 do fs[#fs + 1] = function() return i end end
local out = {}
for _, f in ipairs(fs) do out[#out + 1] = f() end
print(table.concat(out, " "))
fs = {}
for k, v in ipairs({"a", "b", "c"}) do fs[#fs + 1] = function() return k .. v end end
out = {}
for _, f in ipairs(fs) do out[#out + 1] = f() end
print(table.concat(out, " "))
fs = {}
local j = 0
while j < 3 do
  j = j + 1
  local captured = j * 10
  fs[#fs + 1] = function() captured = captured + 1; return captured end
end
print(fs[1](), fs[1](), fs[2](), fs[3]())
fs = {}
local n = 0
repeat
  local m = n
  fs[#fs + 1] = function() return m end
  n = n + 1
until m >= 2
print(fs[1](), fs[2](), fs[3]())
fs = {}
for i = 1, 3 do
  local acc = 0
  fs[i] = function() acc = acc + i; return acc end
end
print(fs[1](), fs[1](), fs[3](), fs[3]())
