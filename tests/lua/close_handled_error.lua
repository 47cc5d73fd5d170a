-- An error whose message handler already ran (it crossed a re-entrant call, here a
-- __close handler run while unwinding) is remembered only until it is settled: the
-- same (interned) error value raised later still reaches its own message handler.
local function closer(f) return setmetatable({}, { __close = f }) end
local H = function(m) return "H:" .. tostring(m) end
print(pcall(function()
  local a <close> = closer(function() error("x", 0) end)
  error("y", 0)
end))
print(xpcall(function() error("x", 0) end, H))
print(xpcall(function()
  local a <close> = closer(function() error("x", 0) end)
  return 1
end, H))
print(xpcall(function() error("x", 0) end, H))
-- an error caught by a native (table.sort's comparator inside pcall) then raised again
local t = {}
print(pcall(table.sort, {3, 2, 1}, function() error(t) end) == false)
print(select(2, xpcall(function() error(t) end, function(m) return m == t and "same" end)))
-- many errors with fresh strings, each must reach the handler (collector reuses memory)
for i = 1, 50 do
  local ok, m = xpcall(function()
    local z <close> = closer(function() error("@z" .. i % 7) end)
  end, function(m) return "tb:" .. m end)
  assert(not ok and m:sub(1, 3) == "tb:", m)
  collectgarbage()
end
print("ok")
