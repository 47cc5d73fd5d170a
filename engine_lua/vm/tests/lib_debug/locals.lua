-- debug.getlocal / debug.setlocal: names, parameters, varargs, temporaries.
local function dump(level)
  local i = 1
  while true do
    local n, v = debug.getlocal(level + 1, i)
    if not n then break end
    print("", i, n, type(v) == "table" and "table" or v)
    i = i + 1
  end
  i = -1
  while true do
    local n, v = debug.getlocal(level + 1, i)
    if not n then break end
    print("", i, n, v)
    i = i - 1
  end
end
local function f(a, b, ...)
  local c = a + b
  do local inner = "in" dump(1) end
  local d = "d"
  dump(1)
  return c
end
f(1, 2)
print("varargs")
f(10, 20, "x", "y", nil)
print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
print(debug.getlocal(print, 1))
print(pcall(debug.getlocal, 100, 1))
print(pcall(debug.getlocal, 1))
print(pcall(debug.getlocal, "x", 1))
print(debug.getlocal(1, 100))
print(debug.getlocal(1, -1))
local function g(x, y)
  print(debug.setlocal(1, 1, "changed"), x)
  print(debug.setlocal(1, 50, "nope"))
  print(pcall(debug.setlocal, 1, 1))
  print(pcall(debug.setlocal, 100, 1, 1))
  return x
end
print(g(1, 2))
local function va(...)
  print(debug.setlocal(1, -2, "V2"))
  return ...
end
print(va(1, 2, 3))
-- the C function's own arguments
print(debug.getlocal(0, 1))
print(debug.getlocal(0, 2))
print(debug.getlocal(0, 3))
-- a coroutine's locals
local co = coroutine.create(function(p) local q = p * 2; coroutine.yield(); return q end)
coroutine.resume(co, 21)
print(debug.getlocal(co, 1, 1))
print(debug.getlocal(co, 1, 2))
print(debug.setlocal(co, 1, 2, 100))
print(coroutine.resume(co))
print(pcall(debug.getlocal, co, 5, 1))
-- for-loop internals
for i = 1, 1 do
  local j = 1
  while debug.getlocal(1, j) do print("", j, (debug.getlocal(1, j))) j = j + 1 end
end
