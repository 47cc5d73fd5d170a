-- GC pause benchmark: builds a large live heap of tables and strings (about N MB,
-- argument 1, default 300), then keeps allocating short-lived garbage while the
-- live heap churns, so the collector works in steps through whole cycles.
local mb = tonumber(arg and arg[1]) or 300
local live = {}
local per = 100                       -- entries per node table
local nodes = math.floor(mb * 1024 * 1024 / (per * 40 + 120))
for i = 1, nodes do
  local t = {}
  for j = 1, per // 2 do t[j] = j end
  for j = 1, per // 4 do t["k" .. j] = "s" .. (i * per + j) end
  live[i] = t
end
print(string.format("live nodes: %d, heap %.0f MB", nodes, collectgarbage("count") / 1024))
local sum = 0
for round = 1, 3 * nodes do
  local g = {round, tostring(round), {round}}
  sum = sum + #g
  if round % 7 == 0 then
    local i = round % nodes + 1
    live[i] = {i, "r" .. round}       -- replace part of the live heap
  end
end
print("done", sum, string.format("%.0f MB", collectgarbage("count") / 1024))
