-- gsub returns the subject string object itself when nothing was replaced
-- (observable with %p on long, non-interned strings).
local s = string.rep("a", 100)
local function same(r) return string.format("%p", s) == string.format("%p", r) end
print(same((string.gsub(s, "b", "c"))))
print(same((string.gsub(s, ".", {x = "y"}))))
print(same((string.gsub(s, ".", function () return nil end))))
print(same((string.gsub(s, ".", function () return false end))))
local r, n = string.gsub(s, ".", function (x) return x end)
print(r == s, same(r), n)
r, n = string.gsub(s, "a", "%0")
print(r == s, same(r), n)
r, n = string.gsub(s, "a", "b", 0)
print(same(r), n)
print(string.gsub(123, "x", "y"))
print(math.type((string.gsub(123, "x", "y"))))
