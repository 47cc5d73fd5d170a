local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({v = a.v + b.v}, V) end
V.__sub = function(a, b) return setmetatable({v = a.v - (type(b) == "number" and b or b.v)}, V) end
V.__eq = function(a, b) return a.v == b.v end
V.__lt = function(a, b) return a.v < b.v end
V.__le = function(a, b) return a.v <= b.v end
V.__concat = function(a, b)
  local av = type(a) == "table" and a.v or a
  local bv = type(b) == "table" and b.v or b
  return "<" .. tostring(av) .. "|" .. tostring(bv) .. ">"
end
V.__len = function(a) return a.v * 10 end
V.__call = function(self, x, y) return self.v + x + y end
V.__unm = function(a) return setmetatable({v = -a.v}, V) end
V.__tostring = function(a) return "V(" .. a.v .. ")" end
V.__idiv = function() return "idiv" end
V.__band = function() return "band" end
V.__shl = function() return "shl" end
V.__bnot = function() return "bnot" end
V.__mod = function() return "mod" end
V.__close = function(o, e) print("close", o.v, e) end
local function new(v) return setmetatable({v = v}, V) end
local a, b = new(1), new(2)
print((a + b).v, (b - a).v, (b - 5).v)
print(a == b, a == new(1), a ~= new(1), a < b, a <= b, a > b, a >= b)
print(a .. b, a .. "s", "s" .. a, 1 .. a, a .. b .. "c" .. "d")
print(#a, a(10, 20), (-a).v, tostring(a))
print(a // 1, a & 1, 1 << a, ~a, a % 2)
print(2 < 3, "a" < "b", "a" <= "a", 1 < 1.5, 1.5 <= 1)
do local x <close> = new(7) print("in block") end
print(pcall(function() local y <close> = new(8) error("boom", 0) end))
local function ret() local z <close> = new(9) return "r" end
print(ret())
for i = 1, 2 do local w <close> = new(i * 100) if i == 1 then goto cont end print("after") ::cont:: end
while true do local q <close> = new(55) break end
local prox = setmetatable({}, {__index = a})
print(prox.v, rawget(prox, "v"))
local log = {}
local ni = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 2) end})
ni.x = 5 print(ni.x)
local chain = setmetatable({}, {__newindex = ni}) chain.y = 4 print(rawget(chain, "y"), ni.y)
local cnt = 0
local lenobj = setmetatable({}, {__len = function() return 42 end})
print(#lenobj)
local callchain = setmetatable({}, {__call = new(3)})
print(pcall(callchain, 1))
print(rawequal(a, a), rawequal(a, new(1)), rawlen({1, 2}), rawlen("abc"))
local t = {}
t[1.0] = "one" t[2^53] = "big"
print(t[1], t[2^53 | 0], next({}))
print(select(-2, "a", "b", "c"))
