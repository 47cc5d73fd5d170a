-- debug.traceback text: levels, messages, functions named as globals, locals, methods, fields.
local function level3() return debug.traceback("msg", 1) end
local function level2() return level3() end
function global_fn() return level2() end
print(global_fn())
print(debug.traceback("only message", 50))
print(debug.traceback(42))
print(type(debug.traceback({})))
local obj = {}
function obj:method() return debug.traceback() end
print(obj:method())
local t = { field = function() return debug.traceback("in field") end }
print(t.field())
local co = coroutine.create(function() coroutine.yield() end)
coroutine.resume(co)
print(debug.traceback(co))
print(debug.traceback(co, "co msg"))
print(xpcall(function() local x = nil; return x.y end, debug.traceback))
