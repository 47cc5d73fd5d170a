-- Relational operators across numbers (int/float, inf, nan), strings, and equality of other types.
local nums = {1, 1.0, 2, -1, 0.5, math.huge, -math.huge, math.maxinteger, math.mininteger, 2^53}
for i = 1, #nums do
  local row = {}
  for j = 1, #nums do
    local a, b = nums[i], nums[j]
    row[#row + 1] = (a < b and "<" or "") .. (a == b and "=" or "") .. (a > b and ">" or "")
  end
  print(nums[i], table.concat(row, " "))
end
print(math.maxinteger + 0.0 == math.maxinteger, math.maxinteger < math.maxinteger + 0.0)
print(2^63 > math.maxinteger, -2^63 == math.mininteger, -2^63 < math.mininteger)
print(9007199254740993 < 9007199254740992.0, 9007199254740993 > 9007199254740992.0)
local nan = 0/0
print(nan < 1, nan > 1, nan == nan, 1 < nan, nan <= nan, nan >= nan)
print("a" < "b", "abc" < "abd", "abc" < "ab", "" < "\0", "a\0b" < "a\0c", "A" < "a")
print("10" < "9", 10 < 9)
local t, u = {}, {}
print(t == t, t == u, t ~= u, print == print, "x" == "x", 1 == "1")
print(true == true, false == nil, nil == nil)
print(pcall(function() return {} < {} end))
print(pcall(function() return 1 < "2" end))
print(pcall(function() return "a" <= 1 end))
print(pcall(function() return nil > 1 end))
print(pcall(function() return true >= false end))
print(not (1 < 2), not nil, not 0)
