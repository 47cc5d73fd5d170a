-- string_build: build strings by concatenation, table.concat, string.format, string.rep,
-- and take them apart again with sub/byte/find (string allocation and interning).
-- usage: string_build.lua [n]   (default 1000000)
local n = tonumber(arg and arg[1]) or 1000000

local parts = {}
for i = 1, n do
  parts[#parts + 1] = string.format("%d:%s", i, (i % 7 == 0) and "seven" or "x")
end
local joined = table.concat(parts, ",")

local s = ""
local chunk = {}
for i = 1, n do
  chunk[#chunk + 1] = "k" .. i .. "=" .. (i * 3)
  if #chunk == 100 then
    s = s .. table.concat(chunk, ";") .. "\n"
    if #s > 100000 then s = "" end
    chunk = {}
  end
end

local count, pos = 0, 1
while true do
  local a, b = string.find(joined, "seven", pos, true)
  if not a then break end
  count = count + 1
  pos = b + 1
end

local sum = 0
for i = 1, #joined, 101 do sum = sum + string.byte(joined, i) end
local upper = string.upper(string.sub(joined, 1, 1000))
local reps = string.rep("ab", 1000, "-")
print(string.format("length %d, sevens %d, bytes %d, tail %d, upper %d, reps %d",
  #joined, count, sum, #s, #upper, #reps))
