-- Error positions found by the official errors.lua and calls.lua: stripped code
-- reports "?:-1:" for runtime errors and no position for error(), the __gc of a
-- file checks its argument, too many locals is found at the declaring token, binary
-- chunks use the official header and reject corrupted or truncated bytes.
local f = load(string.dump(function(a) return a + 1 end, true))
print(pcall(f, {}))
print(pcall(load(string.dump(function() local t = {}; return t.x.y end, true))))
print(pcall(load(string.dump(function() error("plain") end, true))))
print(pcall(load(string.dump(function() error("lvl2", 2) end, true))))
print(pcall(getmetatable(io.stdout).__gc))

local s = "\nfunction foo ()\n  local "
for j = 1, 300 do s = s .. "a" .. j .. ", " end
print(load(s .. "b\n"))
s = "local "
for j = 1, 201 do s = s .. "x" .. j .. (j < 201 and ", " or "") end
print(load(s .. " = 1"))
s = "local function f("
for j = 1, 201 do s = s .. "p" .. j .. (j < 201 and ", " or "") end
print(load(s .. ") end"))
s = "local a1"
for j = 2, 196 do s = s .. ", a" .. j end
print(load(s .. "\nfor i = 1, 2 do end for k, v in pairs{} do end"))
print(load(s .. "\nfor i, j, k in pairs{} do end"))
print(load(s .. "\nfor i = 1, 2 do local x end"))

local c = string.dump(function() local a, b = 1, 3; return a + b * 3 end)
print(c:sub(1, 6) == "\27Lua\x54\0", #c > 30)
local rejected = 0
for i = 1, 18 do
  local bad = c:sub(1, i - 1) .. string.char((c:byte(i) + 1) % 256) .. c:sub(i + 1)
  if not load(bad) then rejected = rejected + 1 end
end
print(rejected)
local truncated = 0
for i = 1, #c - 1 do
  local ok, msg = load(c:sub(1, i))
  if not ok and msg:find("truncated") then truncated = truncated + 1 end
end
print(truncated == #c - 1)
