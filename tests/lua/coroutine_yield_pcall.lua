-- Yielding across pcall, metamethods, iterators and table.sort-free paths; errors after yields.
local co = coroutine.create(function()
  local ok, err = pcall(function()
    local v = coroutine.yield("yield in pcall")
    error("error after resume with " .. v, 0)
  end)
  coroutine.yield("pcall returned " .. tostring(ok) .. " " .. err)
  local ok2, v2 = pcall(coroutine.yield, "yield as pcall's function")
  return "finished " .. tostring(ok2) .. " " .. tostring(v2)
end)
print(coroutine.resume(co))
print(coroutine.resume(co, "V"))
print(coroutine.resume(co))
print(coroutine.resume(co, "last"))
local mt = { __index = function(_, k) return coroutine.yield("index " .. k) end,
             __add = function(a, b) return coroutine.yield("add") end,
             __lt = function() return coroutine.yield("lt") end,
             __concat = function() return coroutine.yield("concat") end,
             __eq = function() return coroutine.yield("eq") end,
             __call = function(_, x) return coroutine.yield("call " .. x) end }
local obj = setmetatable({}, mt)
local co2 = coroutine.wrap(function()
  local a = obj.foo
  local b = obj + 1
  local c = obj < obj
  local d = obj .. "x"
  local e = obj == setmetatable({}, mt)
  local f = obj(7)
  return a, b, c, d, e, f
end)
print(co2())
print(co2("A"))
print(co2("B"))
print(co2(false))
print(co2("D"))
print(co2(1))
print(co2("F"))
local co3 = coroutine.wrap(function()
  for k in function(_, last) local n = (last or 0) + 1; if n <= 3 then coroutine.yield("iter " .. n); return n end end do end
  return "loop done"
end)
print(co3(), co3(), co3(), co3())
local co4 = coroutine.wrap(function()
  return xpcall(function() coroutine.yield(1); coroutine.yield(2); return 3 end, debug.traceback)
end)
print(co4(), co4(), co4())
print(select(2, pcall(coroutine.wrap(function() return select(2, pcall(error, "in co")) end))))
