-- A deep recursion grows the stack; afterwards a shallow frame keeps allocating, so
-- collection steps at its safe points shrink (reallocate) the stack under it while its
-- registers stay live: the interpreter must re-read the register window after them.
local function deep(n)
  if n == 0 then return 0 end
  return 1 + deep(n - 1)
end
print(deep(30000))

local acc, x = 0, 1.5
for i = 1, 30000 do
  local t = {i, x}
  local f = function() return i end
  acc = acc + t[1] * x + f()
end
print(acc)

-- again inside a coroutine (its own stack)
local co = coroutine.wrap(function()
  print(deep(30000))
  local s = 0.0
  for i = 1, 20000 do
    local t = {i}
    s = s + t[1] / 2
  end
  return s
end)
print(co())
