-- Table constructors, field access, integer/float key normalisation, nil and NaN keys.
local t = { 1, 2, 3, x = "x", ["y z"] = "yz", [10] = "ten", 4 }
print(t[1], t[4], t.x, t["y z"], t[10], t[5])
t[1.0] = "one"
print(t[1], t[1.0])
t[2^53] = "big"
print(t[2^53], t[math.tointeger(2^53)])
print(pcall(function() t[nil] = 1 end))
print(pcall(function() t[0/0] = 1 end))
print(t[nil], t[0/0])
local nested = { a = { b = { c = "deep" } } }
print(nested.a.b.c)
nested.a.b.c = nil
print(nested.a.b.c)
local keys = { [true] = "T", [false] = "F", [1.5] = "f", ["1"] = "s1", [1] = "i1" }
print(keys[true], keys[false], keys[1.5], keys["1"], keys[1])
local count = 0
for _ in pairs(keys) do count = count + 1 end
print(count)
local big = {}
for i = 1, 1000 do big[i] = i * i end
print(#big, big[1000])
for i = 1, 1000, 2 do big[i] = nil end
local s = 0
for k, v in pairs(big) do s = s + v end
print(s)
local f = function() end
local tk = {}
tk[f] = "func"
tk[tk] = "self"
print(tk[f], tk[tk])
local trailing = { 1, 2, 3, }
local sep = { 1; 2; 3 }
print(#trailing, #sep)
local function mr() return 7, 8, 9 end
local c1 = { mr(), mr() }
local c2 = { mr(), (mr()) }
print(#c1, #c2)
print(rawequal(t, t), rawequal(t, {}), rawlen({1, 2}), rawget(t, "x"))
rawset(t, "new", 5)
print(t.new)
