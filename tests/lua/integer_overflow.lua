-- Integer wrap-around, conversions at the limits, and string->number at the limits.
print(math.maxinteger + 1 == math.mininteger, math.mininteger - 1 == math.maxinteger)
print(math.maxinteger * math.maxinteger, math.mininteger * -1, -math.mininteger == math.mininteger)
print(9223372036854775807, 9223372036854775808, -9223372036854775808, math.type(-9223372036854775808))
print(0x7fffffffffffffff, 0xffffffffffffffff, 0x10000000000000000)
print(math.tointeger(2^63), math.tointeger(-2^63), math.tointeger(2^63 - 1024))
print(math.maxinteger + 0.0, math.maxinteger + 0.0 == 2^63)
print(pcall(function() return math.maxinteger // 0 end))
print(math.mininteger // 1, math.mininteger % 2, math.maxinteger % -2)
print(string.format("%d", math.maxinteger), string.format("%x", math.mininteger))
print(1 << 63, (1 << 63) - 1, 1 << 64)
print(math.abs(math.mininteger + 1), math.maxinteger // -1)
local acc = 1
for i = 1, 70 do acc = acc * 3 end
print(acc)
local f = 1
for i = 1, 25 do f = f * i end
print(f)
print(2^63 == math.maxinteger + 1.0, 2^63 > math.maxinteger, -2^63 >= math.mininteger)
print(math.ult(math.maxinteger, math.mininteger), math.maxinteger < math.mininteger)
