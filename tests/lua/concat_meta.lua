-- __concat: either operand, chains (right to left), numbers and strings as the other side.
local log = {}
local C = {}
C.__concat = function(a, b)
  local function s(x) return type(x) == "table" and ("<" .. x.name .. ">") or tostring(x) end
  log[#log + 1] = s(a) .. "|" .. s(b)
  return s(a) .. s(b)
end
local function obj(name) return setmetatable({ name = name }, C) end
local p, q = obj("p"), obj("q")
print(p .. "x", "x" .. p, p .. q, 1 .. p, p .. 2.5)
print(table.concat(log, " "))
log = {}
print("a" .. "b" .. p .. "c" .. "d")
print(table.concat(log, " "))
print(pcall(function() return {} .. "x" end))
local tbl_result = setmetatable({}, { __concat = function() return {} end })
print(type(tbl_result .. "x"))
