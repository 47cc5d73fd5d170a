-- Large table constructors: more than 50 list items (several flushes), mixed with hash
-- fields, many constants, and a multi-value call at the end.
local function three() return "x", "y", "z" end
local t = {
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
  21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
  41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60,
  a = "A", b = "B", [100] = "hundred",
  61, 62, 63, 64, 65, 66, 67, 68, 69, 70, three(),
}
print(#t, t[50], t[51], t[70], t[71], t[73], t.a, t[100])
local src = { "return {" }
for i = 1, 600 do src[#src + 1] = string.format("%q, 'k%d', %d.5,", "s" .. i, i, i) end
src[#src + 1] = "}"
local big = load(table.concat(src))()
print(#big, big[1], big[2], big[3], big[1798], big[1799], big[1800])
local h = {}
for i = 1, 300 do h["key" .. i] = i end
local sum = 0
for _, v in pairs(h) do sum = sum + v end
print(sum)
local nested = { { { { { "deep" } } } } }
print(nested[1][1][1][1][1])
