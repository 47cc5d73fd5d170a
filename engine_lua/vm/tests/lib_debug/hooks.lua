-- debug.sethook: line, call, return and count events.
local function isort(t)
  for i = 2, #t do
    local v, j = t[i], i - 1
    while j >= 1 and t[j] > v do t[j + 1] = t[j]; j = j - 1 end
    t[j + 1] = v
  end
end
local function join(t)
  local s = ""
  for i = 1, #t do s = s .. (i > 1 and " " or "") .. tostring(t[i]) end
  return s
end
local log = {}
local function hook(ev, line)
  local info = debug.getinfo(2, "nS")
  log[#log + 1] = ev .. " " .. tostring(line) .. " " .. tostring(info.name) .. " " .. info.what
end
local function add(a, b)
  return a + b
end
local function loop(n)
  local s = 0
  for i = 1, n do
    s = add(s, i)
  end
  return s
end
debug.sethook(hook, "l")
loop(2)
debug.sethook()
for _, l in ipairs(log) do print(l) end
print("calls and returns")
log = {}
debug.sethook(hook, "cr")
loop(1)
debug.sethook()
for _, l in ipairs(log) do print(l) end
print("tail calls")
log = {}
local function t2() return 1 end
local function t1() return t2() end
debug.sethook(hook, "cr")
t1()
debug.sethook()
for _, l in ipairs(log) do print(l) end
print("varargs")
log = {}
local function va(...)
  local n = select("#", ...)
  return n
end
debug.sethook(hook, "cl")
va(1, 2)
debug.sethook()
for _, l in ipairs(log) do print(l) end
print("count")
local n = 0
debug.sethook(function(ev) n = n + 1 assert(ev == "count") end, "", 1)
local x = 0
for i = 1, 10 do x = x + i end
debug.sethook()
print(n > 20, n < 60)
print("while loop lines")
log = {}
local function w()
  local i = 0
  while i < 2 do i = i + 1 end
  return i
end
debug.sethook(hook, "l")
w()
debug.sethook()
for _, l in ipairs(log) do print(l) end
print("one-line loop")
local lines = {}
debug.sethook(function(e, l) lines[#lines + 1] = l end, "l")
for i = 1, 3 do local y = i end
debug.sethook()
print(join(lines))
print("hook sees locals")
debug.sethook(function(e, l)
  if l == 88 then
    print("at", l, debug.getlocal(2, 1))
  end
end, "l")
local function withlocals(p)
  local q = p + 1
  return q
end
withlocals(5)
debug.sethook()
print("error in hook")
print(pcall(function()
  debug.sethook(function() debug.sethook() error("hook error") end, "l")
  local z = 1
end))
debug.sethook()
print("hook traceback")
debug.sethook(function(e)
  debug.sethook()
  print(debug.traceback("in hook"))
end, "c")
add(1, 2)
print("getinfo r")
debug.sethook(function(e)
  local i = debug.getinfo(2, "rn")
  if i.name == "add" then print(e, i.ftransfer, i.ntransfer, debug.getlocal(2, i.ftransfer)) end
end, "cr")
add(3, 4)
debug.sethook()
print("done")
print("hook set inside a call hook of a vararg function")
local obj = {}
function obj:vf(a, b, ...) local arg = {...}; local c = 13 end
debug.sethook(function(e)
  print("outer", e, debug.getinfo(2, "n").name)
  debug.sethook(function(e2, l)
    print("inner", e2, l, debug.getinfo(2, "l").currentline == l)
    debug.sethook(nil)
    for i = 1, 3 do local n, v = debug.getlocal(2, i) print(n, type(v)) end
  end, "l")
end, "c")
obj:vf(1, 2, 3, 4, 5)
print(debug.gethook())
print(getmetatable(debug.getregistry()._HOOKKEY).__mode)
print("repeat-until lines")
local lines2 = {}
debug.sethook(function(e, l) lines2[#lines2 + 1] = l end, "l")
local rr = 1
repeat
  rr = rr + 1
until rr == 3
debug.sethook()
print(join(lines2))
