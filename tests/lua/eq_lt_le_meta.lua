-- __eq, __lt, __le: when they are called, results converted to booleans, mixed types.
local log = {}
local M = {}
M.__eq = function(a, b) log[#log + 1] = "eq"; return a.v == b.v end
M.__lt = function(a, b) log[#log + 1] = "lt"; return a.v < b.v end
M.__le = function(a, b) log[#log + 1] = "le"; return a.v <= b.v end
local function o(v) return setmetatable({ v = v }, M) end
local a, b, c = o(1), o(2), o(1)
print(a == c, a == b, a ~= c, a == a, rawequal(a, c))
print(a < b, b < a, a <= c, b <= a, a > b, b >= a)
print(table.concat(log, " "))
log = {}
print(a == 1, 1 == a, a == "x")
print(#log)
local other = setmetatable({ v = 1 }, { __eq = function() return true end })
print(a == other, other == a)
local truthy = setmetatable({}, { __lt = function() return "yes" end, __le = function() return nil end })
print(truthy < truthy, truthy <= truthy)
print(pcall(function() return a < 1 end))
local N = setmetatable({}, { __lt = function(x, y) return type(x) == "number" end })
print(1 < N, N < 1)
print(pcall(function() return {} <= {} end))
