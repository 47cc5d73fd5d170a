-- string.format and tostring over many computed floats and integers (the %.14g conversion,
-- widths, precisions and flags).
local values = { 0, -0.0, 1, -1, 0.1, 1 / 3, 2 / 3, 1e15, 1e16, 1e-5, 123.456, -987654.321, 2^53, 2^63,
  math.maxinteger, math.mininteger, 5e-324, 1.7976931348623157e308, 100, 255, 1e100, 0.5, 1.5, 2.5 }
for i = 1, 60 do values[#values + 1] = i / 7 * 10 ^ (i % 25 - 12) end
for i = 1, 20 do values[#values + 1] = (-3) ^ i / 11 end
local specs = { "%g", "%.3g", "%10.4f", "%-12.2e", "%+.1f", "%E", "%.0f", "%#.3g", "% g", "%.17g" }
for _, v in ipairs(values) do
  local row = { tostring(v) }
  for _, spec in ipairs(specs) do row[#row + 1] = string.format(spec, v) end
  print(table.concat(row, " | "))
end
local ints = { 0, 1, -1, 42, 255, -255, 65535, math.maxinteger, math.mininteger, 1 << 40 }
local ispecs = { "%d", "%5d", "%-5d|", "%05d", "%+d", "%x", "%X", "%#x", "%o", "%10.3d", "%i", "%c" }
for _, v in ipairs(ints) do
  local row = {}
  for _, spec in ipairs(ispecs) do
    if spec == "%c" then row[#row + 1] = (v >= 32 and v < 127) and string.format(spec, v) or "-"
    else row[#row + 1] = string.format(spec, v) end
  end
  print(table.concat(row, " | "))
end
for i = 1, 30 do io.write(tostring(i * 0.1), " ", tostring(i * 1.1), " ", tostring(2 ^ i / 3), "; ") end
print()
