-- The error travelling through several __close handlers survives a full collection
-- run by one of them (found by the official locals.lua: a crash).
local function closer(f) return setmetatable({}, { __close = f }) end
local function foo()
  local a <close> = closer(function(_, msg) print("a", string.find(msg, "@b") ~= nil) end)
  local g <close> = closer(function() collectgarbage(); collectgarbage() end)
  local b <close> = closer(function(_, msg)
    print("b", msg:sub(-3))
    error(string.rep("x", 50) .. "@b")
  end)
  error(string.rep("y", 60) .. "@c")
end
for _ = 1, 3 do
  local ok, msg = pcall(foo)
  print(ok, #msg, msg:sub(-2))
end
