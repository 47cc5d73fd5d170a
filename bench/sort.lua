-- sort: table.sort with a Lua comparator over records, plus numbers and strings.
-- usage: sort.lua [n]   (default 300000)
local n = tonumber(arg and arg[1]) or 300000

local seed = 12345
local function rand(m)
  seed = (seed * 16807) % 2147483647
  return seed % m
end

local records = {}
for i = 1, n do
  records[i] = { key = rand(1000), name = "item" .. rand(100000), id = i }
end
table.sort(records, function(a, b)
  if a.key ~= b.key then return a.key < b.key end
  if a.name ~= b.name then return a.name < b.name end
  return a.id < b.id
end)
local checksum = 0
for i = 1, n, 97 do checksum = (checksum * 31 + records[i].id) % 1000000007 end

local nums = {}
for i = 1, n do nums[i] = rand(1000000) / 7 end
table.sort(nums)
for i = 2, n do if nums[i - 1] > nums[i] then error("not sorted") end end

local strs = {}
for i = 1, n do strs[i] = tostring(rand(1000000)) end
table.sort(strs, function(a, b) return a > b end)
print(string.format("sort: %d records, checksum %d, first %s, last %s", n, checksum, strs[1], strs[n]))
