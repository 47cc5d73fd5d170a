-- String comparison is bytewise (C locale): embedded zeros, high bytes, prefixes.
local list = { "b", "a", "ab", "", "\0", "a\0", "a\0b", "B", "\255", "\127", "aa", "A", " " }
table.sort(list)
local out = {}
for i, s in ipairs(list) do out[i] = string.format("%q", s) end
print(table.concat(out, " "))
print("a" < "b", "a" < "a\0", "a\0" < "a\1", "Z" < "a", "\255" > "\127", "abc" <= "abc", "abd" >= "abc")
print("" == "", "a\0b" == "a\0b", "a\0b" == "a\0c", #"a\0b")
local big1, big2 = string.rep("x", 1000) .. "a", string.rep("x", 1000) .. "b"
print(big1 < big2, big1 == big1 .. "", big2 > big1)
