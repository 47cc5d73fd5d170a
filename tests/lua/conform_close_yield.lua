-- __close handlers run as frames the interpreter can suspend: they may yield inside a
-- coroutine, on block exit (CLOSE) and on return (RETURN, also with many results).
local function c(f) return setmetatable({}, {__close = f}) end
local co = coroutine.wrap(function ()
  local x <close> = c(function (_, e) coroutine.yield("x", e) end)
  do
    local y <close> = c(function (_, e) coroutine.yield("y", e) end)
  end
  local function many()
    local z <close> = c(function () coroutine.yield("z") end)
    local w <close> = c(function () coroutine.yield("w") end)
    return table.unpack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  end
  print(select("#", many()), many())
  return "done"
end)
for _ = 1, 7 do print(co()) end
print(pcall(co))
-- a metamethod removed after marking is still called
local t = setmetatable({}, {__close = function () end})
local function rm() local v <close> = t; getmetatable(t).__close = nil end
print(pcall(rm))
-- an error in a handler on normal exit
print(pcall(function() local v <close> = c(function() error("in close") end) return 1 end))
print(pcall(function()
  local a <close> = c(function(_, e) print("a got", e) end)
  local b <close> = c(function() error("from b", 0) end)
  return 1
end))
