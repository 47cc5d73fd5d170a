-- fannkuch_redux: pancake flips over all permutations (array indexing, integer loops).
-- usage: fannkuch_redux.lua [n]   (default 10)
local n = tonumber(arg and arg[1]) or 10

local function fannkuch(size)
  local perm, perm1, count = {}, {}, {}
  local max_flips, checksum, sign = 0, 0, 1
  for i = 1, size do perm1[i] = i end
  local r = size
  while true do
    while r ~= 1 do count[r] = r; r = r - 1 end
    for i = 1, size do perm[i] = perm1[i] end
    local flips = 0
    local k = perm[1]
    while k ~= 1 do
      local i, j = 1, k
      while i < j do
        perm[i], perm[j] = perm[j], perm[i]
        i = i + 1
        j = j - 1
      end
      flips = flips + 1
      k = perm[1]
    end
    if flips > max_flips then max_flips = flips end
    checksum = checksum + sign * flips
    sign = -sign
    -- next permutation (rotate prefixes, counting)
    while true do
      if r == size then return checksum, max_flips end
      local first = perm1[1]
      for i = 1, r do perm1[i] = perm1[i + 1] end
      perm1[r + 1] = first
      count[r + 1] = count[r + 1] - 1
      if count[r + 1] > 0 then break end
      r = r + 1
    end
  end
end

local checksum, flips = fannkuch(n)
print(string.format("%d\nPfannkuchen(%d) = %d", checksum, n, flips))
