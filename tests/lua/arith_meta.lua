-- Arithmetic metamethods: __add __sub __mul __div __mod __pow __unm __idiv, operand order.
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({ x = x, y = y }, V) end
V.__add = function(a, b)
  if type(a) == "number" then return vec(a + b.x, a + b.y) end
  if type(b) == "number" then return vec(a.x + b, a.y + b) end
  return vec(a.x + b.x, a.y + b.y)
end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b) if type(b) == "number" then return vec(a.x * b, a.y * b) end return a.x * b.x + a.y * b.y end
V.__div = function(a, b) return vec(a.x / b, a.y / b) end
V.__mod = function(a, b) return vec(a.x % b, a.y % b) end
V.__pow = function(a, b) return vec(a.x ^ b, a.y ^ b) end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__idiv = function(a, b) return vec(a.x // b, a.y // b) end
V.__tostring = function(a) return "(" .. a.x .. "," .. a.y .. ")" end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), tostring(a - b), a * b, tostring(a * 2))
print(tostring(1 + a), tostring(a + 1))
print(tostring(b / 2), tostring(b % 2), tostring(a ^ 2), tostring(-a), tostring(b // 2))
local log = {}
local M = setmetatable({}, { __add = function(x, y) log[#log + 1] = (type(x) == "table" and "T" or tostring(x)) .. "+" .. (type(y) == "table" and "T" or tostring(y)); return 0 end })
local _ = M + 1, 2 + M, M + M, "s" + M
print(table.concat(log, " "))
print(pcall(function() return {} + 1 end))
print(pcall(function() return a + {} end))
local num = setmetatable({}, { __sub = function() return "sub" end, __unm = function() return "unm" end })
print(num - 1, 1 - num, -num)
local strnum = setmetatable({}, { __add = function(x, y) return "meta" end })
print("10" + strnum, strnum + "10")
