-- A message handler runs in the extra room a stack overflow leaves: a second
-- overflow inside it is an "error in error handling", which pcall catches.
local function loop(x, y, z) return 1 + loop(x, y, z) end
local res, msg = xpcall(loop, function (m)
  print(string.find(m, "stack overflow") ~= nil)
  local ok, e = pcall(loop)
  print(ok, e)
  print(math.sin(0))
  return 15
end)
print(res, msg)
-- a shallow pcall after all that overflows normally again
local ok, e = pcall(loop)
print(ok, string.find(e, "stack overflow") ~= nil)
