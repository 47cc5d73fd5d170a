-- table.sort: default order, comparators, stability-independent checks, strings, errors.
local function show(t) return table.concat(t, " ") end
local t = { 5, 2, 8, 1, 9, 3, 7, 4, 6, 0 }
table.sort(t)
print(show(t))
table.sort(t, function(a, b) return a > b end)
print(show(t))
local words = { "pear", "Apple", "fig", "banana", "apple", "Cherry" }
table.sort(words)
print(show(words))
table.sort(words, function(a, b) return a:lower() < b:lower() or (a:lower() == b:lower() and a < b) end)
print(show(words))
local recs = {}
for i = 1, 20 do recs[i] = { key = (i * 7) % 11, id = i } end
table.sort(recs, function(a, b) if a.key ~= b.key then return a.key < b.key end return a.id < b.id end)
local o = {}
for i, r in ipairs(recs) do o[i] = r.key .. ":" .. r.id end
print(show(o))
local big = {}
local x = 42
for i = 1, 1000 do x = (x * 1103515245 + 12345) % 2147483648; big[i] = x % 1000 end
table.sort(big)
local sorted = true
for i = 2, #big do if big[i - 1] > big[i] then sorted = false end end
print(sorted, big[1], big[500], big[1000])
local mixed = { 3, 1.5, -2, 2^40, 0.25 }
table.sort(mixed)
print(show(mixed))
print(pcall(table.sort, { 1, "x", 2 }))
print(pcall(table.sort, { 1, 2, 3 }, function(a, b) return true end))
local empty = {}
table.sort(empty)
print(#empty)
local one = { "only" }
table.sort(one)
print(one[1])
local rev = {}
for i = 1, 100 do rev[i] = 101 - i end
table.sort(rev)
print(rev[1], rev[50], rev[100])
