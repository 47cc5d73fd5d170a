-- Bitwise metamethods: __band __bor __bxor __shl __shr __bnot, and their errors.
local B = {}
local function b(v) return setmetatable({ v = v }, B) end
local function val(x) return type(x) == "table" and x.v or x end
B.__band = function(x, y) return b(val(x) & val(y)) end
B.__bor = function(x, y) return b(val(x) | val(y)) end
B.__bxor = function(x, y) return b(val(x) ~ val(y)) end
B.__shl = function(x, y) return b(val(x) << val(y)) end
B.__shr = function(x, y) return b(val(x) >> val(y)) end
B.__bnot = function(x) return b(~val(x)) end
local x, y = b(12), b(10)
print((x & y).v, (x | y).v, (x ~ y).v, (x << 2).v, (x >> 2).v, (~x).v)
print((5 & x).v, (3 | y).v, (1 << b(4)).v)
print(pcall(function() return {} & 1 end))
print(pcall(function() return 1.5 | 1 end))
print(pcall(function() return "a" ~ 1 end))
print(pcall(function() return 2^64 >> 1 end))
print(pcall(function() return "3" & 1 end))
print(3.0 ~ 1, 2^53 | 0, -1 >> 63, 1 << 64, 1 << -1, -1 << 63)
