-- Allocation-heavy loops: garbage must be collected as the program runs (memory bounded).
local before = collectgarbage("count")
local keep
for i = 1, 200000 do
  local t = { i, tostring(i), { i } }
  if i % 50000 == 0 then keep = t end
end
local s = ""
for i = 1, 20000 do s = s .. "x"; if #s > 1000 then s = "" end end
for i = 1, 100000 do local f = function() return i end end
local after = collectgarbage("count")
print(keep[1], keep[2], keep[3][1], #s)
print("bounded:", after - before < 50000)
collectgarbage()
local settled = collectgarbage("count")
print("after full collect smaller:", settled <= after + 1)
local big = {}
for i = 1, 100000 do big[i] = { i } end
local with_big = collectgarbage("count")
big = nil
collectgarbage()
print("released:", collectgarbage("count") < with_big)
print(collectgarbage("isrunning"), collectgarbage("stop"), collectgarbage("isrunning"), collectgarbage("restart"), collectgarbage("isrunning"))
print(type(collectgarbage("step")), collectgarbage("setpause", 200) ~= nil, collectgarbage("setstepmul", 100) ~= nil)
