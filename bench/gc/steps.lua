-- GC step pauses measured from Lua, so the same program runs under elua and lua5.4:
-- builds the live heap of heap.lua (about N MB, argument 1, default 300), then stops
-- the automatic collector and runs heap.lua's allocation loop, calling one basic
-- incremental step (`collectgarbage("step", 0)`) every 32 rounds (about 8 KB
-- allocated, the default step size) and timing each with os.clock (CPU time, so a
-- preempted step is not counted as a long one). Prints p50, p99 and max in
-- microseconds, the number of steps and cycles, and the heap at the end.
-- Incremental mode explicitly: lua5.4's standalone interpreter starts generational.
collectgarbage("incremental")
local mb = tonumber(arg and arg[1]) or 300
local live = {}
local per = 100
local nodes = math.floor(mb * 1024 * 1024 / (per * 40 + 120))
for i = 1, nodes do
  local t = {}
  for j = 1, per // 2 do t[j] = j end
  for j = 1, per // 4 do t["k" .. j] = "s" .. (i * per + j) end
  live[i] = t
end
collectgarbage()
collectgarbage("stop")
local times, n, cycles = {}, 0, 0
local clock = os.clock
local sum = 0
for round = 1, 3 * nodes do
  local g = {round, tostring(round), {round}}
  sum = sum + #g
  if round % 7 == 0 then
    local i = round % nodes + 1
    live[i] = {i, "r" .. round}
  end
  if round % 32 == 0 then
    local t0 = clock()
    local done = collectgarbage("step", 0)
    local t1 = clock()
    n = n + 1
    times[n] = (t1 - t0) * 1e6
    if done then cycles = cycles + 1 end
  end
end
table.sort(times)
local function pct(p) return times[math.floor((n - 1) * p) + 1] end
print(string.format("%s steps %d cycles %d  p50 %.0f us  p99 %.0f us  max %.0f us  heap %.0f MB",
  _VERSION, n, cycles, pct(0.5), pct(0.99), times[n], collectgarbage("count") / 1024))
