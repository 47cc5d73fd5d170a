-- sieve: the sieve of Eratosthenes up to 1,000,000, repeated (array writes, loops).
-- usage: sieve.lua [repeats]   (default 60)
local repeats = tonumber(arg and arg[1]) or 60
local limit = 1000000

local function sieve(n)
  local composite = {}
  for i = 1, n do composite[i] = false end
  local count = 0
  for i = 2, n do
    if not composite[i] then
      count = count + 1
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return count
end

local count
for _ = 1, repeats do count = sieve(limit) end
print(string.format("%d primes below %d (%d repeats)", count, limit, repeats))
