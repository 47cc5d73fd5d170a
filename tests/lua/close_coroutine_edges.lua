-- To-be-closed variables and coroutines, edge cases: a coroutine closed while suspended
-- in a handler run by error unwinding, isyieldable/status inside handlers, generic-for
-- closing values that yield, tracebacks during unwinding, chained handler errors in
-- coroutine.close, nested returns whose closes yield.
local function c(f) return setmetatable({}, {__close = f}) end
-- 5: coroutine closed while suspended inside a close handler run by unwinding
local co = coroutine.create(function ()
  local a <close> = c(function (_, e) print("a closing", e) end)
  local ok, m = pcall(function ()
    local b <close> = c(function (_, e) print("b closing", e) end)
    local d <close> = c(function (_, e) coroutine.yield("in d", e) end)
    error("boom", 0)
  end)
  print("not reached", ok, m)
end)
print(coroutine.resume(co))
print(coroutine.status(co))
print(coroutine.close(co))
print(coroutine.status(co))
-- 6: isyieldable and running inside handlers
co = coroutine.wrap(function ()
  do
    local x <close> = c(function () print("yieldable", coroutine.isyieldable()) end)
  end
  local ok = pcall(function ()
    local y <close> = c(function () print("yieldable in unwind", coroutine.isyieldable()) end)
    error("z")
  end)
  return "r"
end)
print(co())
-- 11: status inside coroutine.close handler
local cr
cr = coroutine.create(function ()
  local x <close> = c(function ()
    print("status", coroutine.status(cr), coroutine.running() == cr, coroutine.isyieldable())
  end)
  coroutine.yield()
end)
coroutine.resume(cr)
print(coroutine.close(cr))
-- generic for closing value with yield on break
co = coroutine.wrap(function ()
  local function iter()
    return function (_, i) if i < 3 then return i + 1 end end, nil, 0,
      c(function (_, e) coroutine.yield("for-close", e) end)
  end
  for i in iter() do if i == 2 then break end end
  for i in iter() do end
  local ok, m = pcall(function () for i in iter() do error("in for", 0) end end)
  return "done", ok, m
end)
for _ = 1, 4 do print(co()) end
-- traceback inside a handler during unwinding
co = coroutine.wrap(function ()
  local ok, m = pcall(function ()
    local t <close> = c(function () print((debug.traceback("tb", 1):gsub("\n[^\n]*%[C%]: in %?", ""))) end)
    error("x", 0)
  end)
  return ok, m
end)
print(co())
-- multiple errors in coroutine.close handlers: last wins, each sees the previous
cr = coroutine.create(function ()
  local a <close> = c(function (_, e) print("a sees", e); error("ea", 0) end)
  local b <close> = c(function (_, e) print("b sees", e); error("eb", 0) end)
  coroutine.yield()
end)
coroutine.resume(cr)
print(coroutine.close(cr))
-- return values with close that yields many times, nested calls
co = coroutine.wrap(function (...)
  local function f(...)
    local a <close> = c(function () coroutine.yield("a1"); coroutine.yield("a2") end)
    return ...
  end
  return f(f(...))
end)
for _ = 1, 5 do print(co(1, nil, 3)) end
