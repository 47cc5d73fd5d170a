-- __newindex: functions, tables as targets, rawset, and only for absent keys.
local log = {}
local t = setmetatable({ existing = 1 }, { __newindex = function(tbl, k, v)
  log[#log + 1] = tostring(k) .. "=" .. tostring(v)
  rawset(tbl, k, v and v * 2)
end })
t.existing = 5
t.new = 10
t.new = 20
print(t.existing, t.new, table.concat(log, " "))
local store = {}
local proxy = setmetatable({}, { __newindex = store, __index = store })
proxy.a = 1
print(rawget(proxy, "a"), store.a, proxy.a)
local ro = setmetatable({}, { __newindex = function(_, k) error("read-only: " .. k, 2) end })
print(pcall(function() ro.x = 1 end))
local inner = setmetatable({}, { __newindex = function(_, k, v) log[#log + 1] = "inner " .. k end })
local outer = setmetatable({}, { __newindex = inner })
log = {}
outer.q = 1
print(table.concat(log, " "), rawget(outer, "q"), rawget(inner, "q"))
local arr = setmetatable({}, { __newindex = function(tb, k, v) rawset(tb, k, v .. "!") end })
arr[1] = "a"; arr[2] = "b"
print(arr[1], arr[2], #arr)
local count = 0
local tracked = setmetatable({}, { __newindex = function(tb, k, v) count = count + 1; rawset(tb, k, v) end })
for i = 1, 10 do tracked[i] = i end
for i = 1, 10 do tracked[i] = i end
print(count)
