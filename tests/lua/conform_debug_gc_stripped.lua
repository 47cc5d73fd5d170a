-- debug.getinfo names a running finalizer `metamethod '__gc'`; a line hook in code
-- without debug information gets nil for the line (at entry and on backward jumps).
local name, what
setmetatable({}, {__gc = function ()
  local t = debug.getinfo(1, "n")
  what, name = t.namewhat, t.name
end})
repeat local a = {} until name
print(what, name)

local function foo ()
  local a = 1
  local b = 2
  return b
end
local s = load(string.dump(foo, true))
local lines = {}
debug.sethook(function (e, l)
  lines[#lines + 1] = e .. ":" .. tostring(l)
end, "l")
local r = s()
debug.sethook()
print(r, table.concat(lines, " "))

local function loop ()
  local n = 0
  for i = 1, 3 do n = n + i end
  return n
end
s = load(string.dump(loop, true))
lines = {}
debug.sethook(function (e, l)
  lines[#lines + 1] = tostring(l)
end, "l")
r = s()
debug.sethook()
print(r, table.concat(lines, " "))
local info = debug.getinfo(s, "SlL")
print(info.short_src, info.linedefined, info.currentline, type(info.activelines), next(info.activelines))
