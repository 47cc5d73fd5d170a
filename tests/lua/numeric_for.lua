-- Numeric for: integer and float loops, steps, overflow-safe bounds, loop var is a copy.
local function collect(a, b, c)
  local t = {}
  if c then for i = a, b, c do t[#t + 1] = i end
  else for i = a, b do t[#t + 1] = i end end
  return table.concat(t, " ")
end
print(collect(1, 5))
print(collect(5, 1))
print(collect(5, 1, -1))
print(collect(1, 10, 3))
print(collect(1, 2, 0.5))
print(collect(1.0, 3))
print(collect(0.1, 0.5, 0.1))
print(collect(math.maxinteger - 2, math.maxinteger))
print(collect(math.mininteger + 2, math.mininteger, -1))
print(collect(1, 3.5))
print(collect(-3, -1))
print(collect(3, 3))
print(collect(1, 0))
print(collect(math.maxinteger - 1, math.huge, 1) == tostring(math.maxinteger - 1) .. " " .. tostring(math.maxinteger))
print(pcall(collect, 1, 10, 0))
print(pcall(collect, "a", 10))
print(pcall(function() for i = 1, {} do end end))
for i = 1, 3 do
  local j = i
  i = i * 10
  io.write(j, ":", i, " ")
end
print()
for i = 3, 1, -1 do io.write(math.type(i), " ") end
print()
for i = 1.0, 2 do io.write(math.type(i), " ") end
print()
local n = 0
for i = 1, 100000 do n = n + i end
print(n)
