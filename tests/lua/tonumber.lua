-- tonumber: decimal, hex, float syntax, bases 2..36, whitespace, failures.
local cases = { "10", "  10  ", "10.5", "1e3", "-0x10", "0x1p-2", ".5", "5.", "inf", "nan", "1e", "0x", "",
  " ", "1 0", "0b101", "1_000", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
  "0xffffffffffffffff", "1e309", "  -7  ", "+3", "- 3", "0x7fffffffffffffff", "00012", "1E+2", "\t12\n" }
for _, s in ipairs(cases) do
  local v = tonumber(s)
  print(string.format("%q", s), v, math.type(v))
end
print(tonumber("101", 2), tonumber("777", 8), tonumber("zz", 36), tonumber("ZZ", 36), tonumber("ff", 16))
print(tonumber("8", 8), tonumber("1.5", 10), tonumber(" 11 ", 2), tonumber("-ff", 16), tonumber("", 10))
print(pcall(tonumber, "10", 1), pcall(tonumber, "10", 37))
print(pcall(tonumber, 10, 16))
print(tonumber(42), tonumber(4.5), tonumber(nil), tonumber(true), tonumber({}))
print(pcall(tonumber))
print(tonumber("0x10", 16), tonumber("7fffffffffffffff", 16), tonumber("ffffffffffffffff", 16))
