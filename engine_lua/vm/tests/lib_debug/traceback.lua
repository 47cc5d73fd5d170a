-- debug.traceback: message, level, thread, non-string messages.
local function lvl3() print(debug.traceback("msg here")) end
local function lvl2() lvl3() end
function glob() lvl2() end
glob()
print(debug.traceback())
print(debug.traceback("lvl0", 0))
print(debug.traceback("lvl2", 2))
print(debug.traceback("neg", -1))
print(debug.traceback("far", 50))
print(debug.traceback(42))
print(type(debug.traceback({})))
print(debug.traceback(nil))
print(pcall(debug.traceback, nil, "x"))
local t = setmetatable({}, {__index = function(t, k) print(debug.traceback("in index")) return 1 end})
local _ = t.x
local co = coroutine.create(function(a)
  local function inner() coroutine.yield(a) end
  inner()
end)
coroutine.resume(co, 1)
print(debug.traceback(co))
print(debug.traceback(co, "comsg"))
print(debug.traceback(co, "comsg", 1))
print(debug.traceback(co, nil, 2))
local function tail() return debug.traceback("tail") end
local function calltail() return tail() end
print(calltail())
local function rec(n) if n == 0 then return debug.traceback("deep") end return (rec(n - 1)) end
print(rec(30))
print(pcall(error))
print(xpcall(function() error("boom") end, debug.traceback))
print(xpcall(function() local x = nil; return x.y end, debug.traceback))
local co2 = coroutine.create(function() error("dead co") end)
print(coroutine.resume(co2))
print(debug.traceback(co2))
