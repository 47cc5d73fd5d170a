-- queens: count all solutions of the n-queens problem by backtracking (arrays, recursion).
-- usage: queens.lua [n]   (default 13)
local n = tonumber(arg and arg[1]) or 13

local cols, diag1, diag2 = {}, {}, {}
local function place(row, size)
  if row > size then return 1 end
  local count = 0
  for c = 1, size do
    local d1, d2 = row + c, row - c + size
    if not cols[c] and not diag1[d1] and not diag2[d2] then
      cols[c], diag1[d1], diag2[d2] = true, true, true
      count = count + place(row + 1, size)
      cols[c], diag1[d1], diag2[d2] = false, false, false
    end
  end
  return count
end

local total = 0
for size = 4, n do
  local solutions = place(1, size)
  total = total + solutions
  print(string.format("%d queens: %d solutions", size, solutions))
end
print("total", total)
