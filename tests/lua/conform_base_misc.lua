-- Base-library and loop details found by the official suite (calls, nextvar, math,
-- literals): binary chunks through load, reader errors, ipairs' shared iterator,
-- string 'for' bounds, tonumber with a base and '+', shared long string constants.
local f = string.dump(function(a, b) return a + b, "x" end)
print(load(f, "d", "b")(2, 3))
print(load(f, "d", "t"))
print(load("return 1", "d", "b"))
print(type(load(f, "d", "bt")))
local x = string.dump(load("y = 1; return y"))
local parts, i = {}, 0
for c in x:gmatch("..?") do parts[#parts + 1] = c end
local g = load(function() i = i + 1; return parts[i] end, "=r", "b")
print(g(), y)
y = nil
print(pcall(load, function() error("hhi", 0) end))
print(pcall(load, function() return {} end))
local pieces = { "return ", 4, 2 }
print(load(function() return table.remove(pieces, 1) end)())
local env = { XX = 5 }
print(load(string.dump(function() return XX end), "e", "b", env)())
local up1, up2 = 20, 30
local h = load(string.dump(function(v) if v then up1 = up2 + 1 end return up1 end), "", "b")
print(type(h()), debug.setupvalue(h, 1, "hi"), h(), debug.setupvalue(h, 2, 13), h(true), h())
print(pcall(string.dump, print))
print(load(string.dump(function() end, true), "s", "b") ~= nil)

print(ipairs({}) == ipairs({ 1 }), type(ipairs({})))

local n = 0
for v = "10", "1", "-2" do n = n + 1; io.write(v, " ", math.type(v), " ") end
print(n)
for v = 1, "3" do io.write(v, math.type(v), " ") end
print()
for v = "1", 2 do io.write(v, math.type(v), " ") end
print()
print(pcall(function() for v = 1, "x" do end end))
print(pcall(function() for v = "x", 1 do end end))

print(tonumber("  +1Z  ", 36), tonumber(" -1z ", 36), tonumber("+", 10), tonumber("+-1", 10))
print(tonumber("  001010  ", 2), tonumber("7fffffffffffffff", 16), tonumber("ffffffffffffffff", 16))

local function addr(s) return string.format("%p", s) end
local s1 <const> = "01234567890123456789012345678901234567890123456789"
local s2 = "01234567890123456789012345678901234567890123456789"
local function k() return "01234567890123456789012345678901234567890123456789" end
print(addr(s1) == addr(s2), addr(s2) == addr(k()))
