-- __index / __newindex that are native (host) functions: results, errors with their
-- messages and tracebacks, yields, hooks, deep recursion through metamethods.

-- Results: one value, the first of several, none.
local t = setmetatable({1, 2, 3}, {__index = rawlen})
print(t.foo, t[10], t.bar + 1)
local sel = setmetatable({}, {__index = select})
print(pcall(function() return sel.x end))
local ins = setmetatable({}, {__index = table.insert})
print(ins.a, #ins, ins[1])            -- table.insert(t, "a") returns nothing
local stored = setmetatable({}, {__newindex = rawset})
stored.x = 10
stored[1] = "one"
print(rawget(stored, "x"), stored[1])
local ok = setmetatable({}, {__index = rawequal})
print(ok.k, ok[ok])

-- A method call (SELF) and every get/set form on a table with native metamethods.
local up = setmetatable({}, {__index = rawlen, __newindex = rawset})
local function f()
  up.z = 5          -- SETTABUP-like through an upvalue
  local k = "w"
  up[k] = 6         -- SETTABLE
  up[7] = 8         -- SETI
  return up.q, up[k], up[7], up[99]
end
print(f())
print(rawget(up, "z"), rawget(up, "w"), rawget(up, 7))

-- Values from metamethods flow into arithmetic, comparisons and concatenation.
local n = setmetatable({1, 2}, {__index = rawlen})
local acc = 0
for i = 1, 100 do acc = acc + n.x end
print(acc, n.y == 2, n.y < 3, "len" .. n.y)

-- Errors raised by the native: message, level and traceback.
local bad = setmetatable({}, {__index = string.rep, __newindex = string.rep})
print(pcall(function() return bad.x end))
print(pcall(function() bad.x = 1 end))
print(select(2, xpcall(function() return bad.y end, debug.traceback)))
local nomt = setmetatable({}, {__index = error})
print(pcall(function() return nomt.msg end))

-- A native metamethod that yields (coroutine.yield): the instruction completes on
-- resume with the value passed to resume.
local y = setmetatable({}, {__index = coroutine.yield, __newindex = coroutine.yield})
local co = coroutine.wrap(function()
  local a = y.first
  local b = y.second
  y.third = a .. b
  return "done " .. a .. b
end)
print(select("#", co()))
print(select(2, co("A")))
print(select(2, co("B")))
print(co())
print(pcall(function() return y.outside end))

-- Through pcall inside a coroutine, and a yield across it.
local co2 = coroutine.create(function()
  return pcall(function() return y.k end)
end)
print(select(3, coroutine.resume(co2)))
print(coroutine.resume(co2, "resumed"))

-- Hooks see the metamethod calls (counted C calls).
local calls = 0
debug.sethook(function(ev)
  if debug.getinfo(2, "S").what == "C" then calls = calls + 1 end
end, "c")
local h = t.x + t.y
debug.sethook()
print(h, calls > 0)

-- Deep recursion: a Lua __index calling through a native one many times.
local depth = 0
local chain
chain = setmetatable({}, {__index = function(_, k)
  depth = depth + 1
  if k > 0 then
    local inner = setmetatable({}, {__index = rawlen})
    return inner[k] + chain[k - 1]
  end
  return 0
end})
print(chain[150], depth)

-- A native __index that calls back into Lua (pcall calling the key).
local viaPcall = setmetatable({}, {__index = pcall})
print(pcall(function() return viaPcall[error] end))

-- Many iterations so a collection runs while native metamethods are called.
local big = setmetatable({}, {__index = string.rep})
local s = setmetatable({}, {__index = function(_, k) return k end})
local total = 0
for i = 1, 20000 do
  local v = setmetatable({i}, {__index = rawlen})
  total = total + v.x + #s[tostring(i)]
end
print(total, big == big)

-- The C-call limit is reached through Lua and native metamethods alike.
local deep
deep = setmetatable({}, {__index = function(_, k)
  if k > 0 then
    local inner = setmetatable({}, {__index = rawlen})
    return inner[k] + deep[k - 1]
  end
  return 0
end})
print(pcall(function() return deep[300] end))
