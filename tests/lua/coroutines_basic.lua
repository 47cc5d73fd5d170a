-- coroutine.create/resume/yield: passing values both ways, finishing, resuming dead ones.
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done", a + b + c
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "x", "y"))
print(coroutine.resume(co))
print(coroutine.status(co))
local gen = coroutine.create(function() for i = 1, 3 do coroutine.yield(i) end end)
local vals = {}
while true do
  local ok, v = coroutine.resume(gen)
  if not ok or v == nil then break end
  vals[#vals + 1] = v
end
print(table.concat(vals, ","), coroutine.status(gen))
local nested = coroutine.create(function()
  local inner = coroutine.create(function() coroutine.yield("inner1"); return "inner done" end)
  print("in outer", coroutine.resume(inner))
  coroutine.yield("outer1")
  print("in outer", coroutine.resume(inner))
  return "outer done"
end)
print(coroutine.resume(nested))
print(coroutine.resume(nested))
print(select("#", coroutine.resume(coroutine.create(function() coroutine.yield() end))))
print(pcall(coroutine.resume, 1))
print(coroutine.resume(coroutine.create(function(...) return select("#", ...) end), nil, nil))
local err_co = coroutine.create(function() local x = nil; return x.y end)
print(coroutine.resume(err_co))
print(coroutine.status(err_co), coroutine.resume(err_co))
print(pcall(coroutine.yield, 1))
