-- Every binary operator over a pool of edge-case operands (integers at the limits, signed
-- zeros, infinities, NaN, numeric strings, non-numbers): result and subtype, or error.
local pool = { 0, 1, -1, 7, -7, 2, 3.5, -0.0, 0.5, 2^53, 2^63, math.maxinteger, math.mininteger,
  math.huge, -math.huge, 0/0, 1e308, "10", "0x10", " 3 ", "2.5", "abc", true, {} }
local function show(v)
  if type(v) == "number" then return string.format("%s:%s", tostring(v), math.type(v)) end
  if type(v) == "table" then return "table" end
  return type(v) .. ":" .. tostring(v)
end
local ops = {
  { "+", function(a, b) return a + b end }, { "-", function(a, b) return a - b end },
  { "*", function(a, b) return a * b end }, { "/", function(a, b) return a / b end },
  { "//", function(a, b) return a // b end }, { "%", function(a, b) return a % b end },
  { "^", function(a, b) return a ^ b end }, { "&", function(a, b) return a & b end },
  { "|", function(a, b) return a | b end }, { "~", function(a, b) return a ~ b end },
  { "<<", function(a, b) return a << b end }, { ">>", function(a, b) return a >> b end },
  { "==", function(a, b) return a == b end }, { "<", function(a, b) return a < b end },
  { "<=", function(a, b) return a <= b end }, { "..", function(a, b) return a .. b end },
}
local lines = 0
for _, op in ipairs(ops) do
  for i = 1, #pool do
    local row = {}
    for j = 1, #pool do
      local ok, r = pcall(op[2], pool[i], pool[j])
      if ok then row[#row + 1] = show(r)
      else row[#row + 1] = "E(" .. tostring(r):gsub("^[^:]*:%d+: ", "") .. ")" end
    end
    print(op[1], show(pool[i]), table.concat(row, " | "))
    lines = lines + 1
  end
end
for _, v in ipairs(pool) do
  local ok1, neg = pcall(function() return -v end)
  local ok2, bnot = pcall(function() return ~v end)
  local ok3, len = pcall(function() return #v end)
  print("unary", show(v), ok1 and show(neg) or neg:gsub("^[^:]*:%d+: ", ""),
    ok2 and show(bnot) or bnot:gsub("^[^:]*:%d+: ", ""), ok3 and show(len) or len:gsub("^[^:]*:%d+: ", ""))
end
print("lines", lines)
