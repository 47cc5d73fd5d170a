-- ipairs: stops at the first nil, respects __index (5.4), works on proxies.
for i, v in ipairs({ "a", "b", "c" }) do io.write(i, v, " ") end
print()
for i, v in ipairs({ 1, 2, nil, 4 }) do io.write(i, v, " ") end
print()
for i, v in ipairs({}) do io.write("never") end
print("empty ok")
local proxy = setmetatable({}, { __index = function(_, i) if i <= 4 then return i * 10 end end })
for i, v in ipairs(proxy) do io.write(i, "=", v, " ") end
print()
local f, s, init = ipairs({})
print(type(f), type(s), init)
print(f({ 7, 8 }, 0))
print(f({ 7, 8 }, 1))
print(f({ 7, 8 }, 2))
local t = { 1, 2, 3, 4, 5 }
local sum = 0
for i, v in ipairs(t) do
  sum = sum + v
  if i == 2 then t[4] = nil end
end
print(sum)
print(pcall(ipairs))
local str_meta = 0
for i, c in ipairs(setmetatable({}, { __index = function(_, i) if i < 3 then return "c" .. i end end })) do
  str_meta = str_meta + 1
end
print(str_meta)
