-- How floats are turned into text: %.14g, a ".0" suffix for integral floats, inf, nan, -0.0.
local values = {
  1.0, -1.0, 0.5, 100.0, 1e14, 1e15, 1e16, 1e100, 123456789012345.0, 1234567890123456.0,
  0.1, 1/3, 2/3, 1e-5, 1.5e-10, 3.14159265358979, 2^63, -2^63, 2^24, 1e300 * 1e10,
  -1e300 * 1e10, -0.0, 255 / 5, 7 / 7, 12345.678,
}
for i, v in ipairs(values) do
  print(i, v, tostring(v), string.format("%.3f", v), v .. "")
end
print(string.format("%g %g %g", 1e20, 0.0001, 100))
print(string.format("%.17g", 0.1))
print(string.format("%5.1f|%-8.2e|%+d", 3.14159, 12345.678, 5))
print(2^31, 2^32, 2.0^63 == math.maxinteger + 1.0)
print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(2^63))
print(1e15 + 0.5, 1e15 + 1)
print(-(0/0) ~= -(0/0))
