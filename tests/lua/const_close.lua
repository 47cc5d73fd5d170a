-- <const> and <close> locals: const errors at compile time, __close order and error values.
local K <const> = 10
print(K * 2)
print(select(2, load("local x <const> = 1; x = 2")))
print(select(2, load("local x <foo> = 1")))
local log = {}
local function closer(name)
  return setmetatable({}, { __close = function(_, err) log[#log + 1] = name .. ":" .. tostring(err) end })
end
do
  local a <close> = closer("a")
  local b <close> = closer("b")
  local c <close> = nil
  local d <close> = false
end
print(table.concat(log, " "))
log = {}
local ok, err = pcall(function()
  local x <close> = closer("x")
  error("boom", 0)
end)
print(ok, err, table.concat(log, " "))
log = {}
local function early()
  local r <close> = closer("r")
  for i = 1, 10 do
    local inner <close> = closer("i" .. i)
    if i == 2 then return "ret" end
  end
end
print(early(), table.concat(log, " "))
log = {}
for i = 1, 2 do
  local c <close> = closer("loop" .. i)
  if i == 2 then break end
end
print(table.concat(log, " "))
print(pcall(function() local bad <close> = {} end))
print(pcall(function() local bad <close> = 42 end))
log = {}
local function iter_with_close()
  local i = 0
  return function() i = i + 1; if i <= 3 then return i end end, nil, nil, closer("for")
end
for i in iter_with_close() do if i == 2 then break end end
print(table.concat(log, " "))
local ok2, e2 = pcall(function()
  local a <close> = setmetatable({}, { __close = function() error("in close", 0) end })
  error("original", 0)
end)
print(ok2, e2)
