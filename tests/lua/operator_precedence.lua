-- Operator precedence and associativity from or (lowest) to ^ (highest, right-assoc).
print(2 + 3 * 4, (2 + 3) * 4, 2 * 3 ^ 2, -2 ^ 2, (-2) ^ 2, 2 ^ 3 ^ 2)
print(1 .. 2 .. 3, "a" .. 1 + 2, 2 * 3 .. "")
print(1 < 2 == true, not 1 == 2, not (1 == 2), #"abc" + 1, -#"ab")
print(1 or 2 and 3, nil and 1 or 2, false or nil and 1)
print(5 - 3 - 1, 2 ^ -1, 8 // 3 * 3, 7 % 4 % 3, 100 / 10 / 5)
print(1 | 2 & 3, 1 ~ 3 | 4, 1 << 2 | 1, 6 & 3 ~ 1, ~0 & 0xF, 3 .. 4 == "34")
print(1 + 2 < 4 and "lt" or "ge", 1 < 2 and 2 < 3)
print("x" .. "y" == "xy" and 1 + 1 == 2)
print(-3 % 5, (-3) % 5, -3 ^ 2, - 3 // 2)
print(not nil == true, not not nil)
local t = { f = function() return 2 end }
print(t.f() ^ 2, -t.f())
print(2 ^ 2 ^ 0, (2 ^ 2) ^ 0)
