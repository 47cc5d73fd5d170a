-- Bitwise operators on integers and integral floats: & | ~ << >> ~x, shifts beyond 63.
print(0xF0 & 0x3C, 0xF0 | 0x0F, 0xF0 ~ 0xFF, ~0, ~5, ~-1)
print(1 << 0, 1 << 1, 1 << 62, 1 << 63, 1 << 64, 1 << 100, 1 << -1, 256 >> 4, 256 >> -4)
print(-1 >> 1, -1 >> 63, -1 >> 64, -1 << 1, 3 >> 0)
print(5.0 & 3, 2^31 | 0, "6" + 0 & 3)
print(0xFF & -256, math.mininteger >> 63, math.maxinteger >> 62)
print(1 | 2 ~ 3 & 4, (1 | 2) ~ (3 & 4), 1 << 2 + 1, pcall(function() return 2 .. 1 << 1 end))
print(pcall(function() return 1.5 & 1 end))
print(pcall(function() return 2^64 | 0 end))
local x = 0
for i = 0, 62, 3 do x = x | (1 << i) end
print(x, string.format("%x", x))
local function popcount(n) local c = 0 while n ~= 0 do n = n & (n - 1); c = c + 1 end return c end
print(popcount(x), popcount(-1), popcount(0))
print(string.format("%016x", 0x0123456789abcdef ~ -1))
