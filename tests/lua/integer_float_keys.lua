-- Table keys: floats with integral values become integer keys; strings stay distinct.
local t = {}
t[1] = "int"; t[2.0] = "float two"; t["1"] = "string one"; t[-0.0] = "zero"
print(t[1.0], t[2], t["1"], t[0], t[0.0], t[-0.0])
local keys = {}
for k, v in pairs(t) do keys[#keys + 1] = math.type(k) or type(k) end
table.sort(keys)
print(table.concat(keys, " "))
t[2^53] = "2^53"
print(t[math.tointeger(2^53)], t[2^53 + 1.0])
t[1.5] = "one and a half"
print(t[1.5], t[3 / 2])
print(#t, rawlen(t))
local a = {}
for i = 1.0, 5.0 do a[i] = i end
print(#a, math.type(next(a)))
local m = {}
m[math.maxinteger] = "max"; m[math.mininteger] = "min"
print(m[math.maxinteger], m[math.mininteger], m[math.maxinteger + 0.0])
