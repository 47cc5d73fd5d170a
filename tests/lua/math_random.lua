-- math.random with a fixed seed (xoshiro256** as in 5.4): integers, ranges, floats, errors.
math.randomseed(42)
local t = {}
for i = 1, 10 do t[i] = math.random(1, 100) end
print(table.concat(t, " "))
for i = 1, 5 do t[i] = string.format("%.10f", math.random()) end
print(table.concat(t, " ", 1, 5))
print(math.random(7), math.random(-5, -1), math.random(0) ~= nil)
math.randomseed(42)
print(math.random(1, 100))
math.randomseed(1, 2)
print(math.random(1000000), math.random(math.mininteger, math.maxinteger))
print(pcall(math.random, 2, 1))
print(pcall(math.random, 0.5))
print(pcall(math.random, 1, 2, 3))
math.randomseed(123)
local counts = { 0, 0, 0 }
for _ = 1, 3000 do local r = math.random(3); counts[r] = counts[r] + 1 end
print(counts[1] + counts[2] + counts[3], counts[1] > 800, counts[2] > 800, counts[3] > 800)
local r = math.random(3, 3)
print(r, math.type(math.random(5)), math.type(math.random()))
