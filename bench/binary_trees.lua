-- binary_trees: allocate and walk many short-lived complete binary trees (GC pressure).
-- usage: binary_trees.lua [max_depth]   (default 15)
local max_depth = tonumber(arg and arg[1]) or 15
local min_depth = 4
if min_depth + 2 > max_depth then max_depth = min_depth + 2 end

local function make(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { make(depth), make(depth) }
end

local function check(node)
  local left = node[1]
  if left then return 1 + check(left) + check(node[2]) end
  return 1
end

local stretch = max_depth + 1
print(string.format("stretch tree of depth %d\t check: %d", stretch, check(make(stretch))))

local long_lived = make(max_depth)
for depth = min_depth, max_depth, 2 do
  local iterations = 2 ^ (max_depth - depth + min_depth)
  local total = 0
  for _ = 1, iterations do total = total + check(make(depth)) end
  print(string.format("%d\t trees of depth %d\t check: %d", iterations, depth, total))
end
print(string.format("long lived tree of depth %d\t check: %d", max_depth, check(long_lived)))
