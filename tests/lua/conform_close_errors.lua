-- __close during error unwinding and normal exits (found by the official locals.lua):
-- the erroring frames are gone before the handlers run, an xpcall message handler
-- runs at the point of each error (also inside a __close called by a return), a
-- removed __close metamethod is still called, and a handler survives a stack overflow.
local function closer(f) return setmetatable({}, { __close = f }) end

local function foo()
  local x <close> = closer(function(_, msg)
    print("x", debug.getinfo(2, "n").name, msg)
  end)
  local y <close> = closer(function(_, msg)
    print("y", debug.getinfo(2, "n").name, msg)
    error("@y", 0)
  end)
  error(4)
end
print(pcall(foo))

local function h(m) return "handled<" .. tostring(m) .. ">" end
local function bar()
  local a <close> = closer(function(_, msg) print("a got", msg); error("@a", 0) end)
  local b <close> = closer(function(_, msg) print("b got", msg); error("@b", 0) end)
end
print(xpcall(bar, h))

local function tb()
  local z <close> = closer(function() error("@z") end)
end
local _, msg = xpcall(tb, debug.traceback)
print((msg:gsub("\n.*", "")), msg:find("in metamethod 'close'") ~= nil)

local function removed()
  local v <close> = closer(print)
  getmetatable(v).__close = nil
end
print(pcall(removed))
print(pcall(function()
  do
    local v <close> = closer(print)
    getmetatable(v).__close = 1
  end
  return 1
end))
print(pcall(function() return setmetatable({}, { __add = {} }) + 1 end))

local function overflow(n) return 1 + overflow(n + 1) end
local function errorh(m)
  local ok = string.find(m, "stack overflow") ~= nil
  local t <close> = closer(function(o) o[1] = 10 end)
  return { ok = ok, t = t }
end
local st, obj = xpcall(overflow, errorh, 0)
print(st, obj.ok, obj.t[1])

-- an error inside a native callback reaches the handler once, with its traceback
local _, m2 = xpcall(function()
  table.sort({ 3, 2, 1 }, function() error("in sort", 0) end)
end, function(m) return "once:" .. m end)
print(m2)
