-- Errors in __close handlers: replace the original error, later handlers still run.
local log = {}
local function closer(name, fail)
  return setmetatable({}, { __close = function(_, err)
    log[#log + 1] = name .. "(" .. tostring(err) .. ")"
    if fail then error(name .. " failed", 0) end
  end })
end
local ok, err = pcall(function()
  local a <close> = closer("a")
  local b <close> = closer("b", true)
  local c <close> = closer("c")
  error("body", 0)
end)
print(ok, err, table.concat(log, " "))
log = {}
ok, err = pcall(function()
  local a <close> = closer("a", true)
  local b <close> = closer("b", true)
  return "normal"
end)
print(ok, err, table.concat(log, " "))
log = {}
local co = coroutine.wrap(function()
  local x <close> = closer("x")
  coroutine.yield("yielded with pending close")
  return "co done"
end)
print(co(), #log)
print(co(), table.concat(log, " "))
log = {}
local function ret_values()
  local x <close> = closer("rv")
  return 1, 2, 3
end
print(ret_values())
print(table.concat(log, " "))
