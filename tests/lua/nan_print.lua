-- How NaN and infinities print (lua5.4 uses the C library: 0/0 has the sign bit set on x86).
local nan = 0 / 0
print(nan, -nan, math.huge, -math.huge)
print(tostring(nan), string.format("%f %g %.3f", nan, -nan, math.huge))
print(nan ~= nan, math.type(nan), nan == nan)
print(string.format("%q", 0 / 0) == "(0/0)", string.format("%q", math.huge), string.format("%q", -math.huge))
print(math.huge // 1, -math.huge // 1, math.fmod(1, math.huge), math.huge % 2 ~= math.huge % 2)
print(math.max(nan, 1) ~= math.max(nan, 1), math.min(1, nan))
print(math.tointeger(nan), math.floor(2.5), pcall(math.floor, nan))
print(string.format("%d", 3.0), pcall(string.format, "%d", nan))
print(tostring(1e300 * 1e300), tostring(-1e300 * 1e300))
