-- table library: expected output from lua5.4 (5.4.4)
local function show(...) local t = table.pack(...) for i = 1, t.n do t[i] = tostring(t[i]) end print(table.concat(t, " | ")) end
local function try(f, ...) show(pcall(f, ...)) end
local function dump(t) local o = {} for i = 1, #t do o[i] = tostring(t[i]) end return "{" .. table.concat(o, ",") .. "}" end

-- insert / remove
local t = {1, 2, 3}
table.insert(t, 4) table.insert(t, 1, 0) table.insert(t, 3, 1.5)
show(dump(t))
show(table.remove(t), table.remove(t, 1), dump(t))
show(table.remove({}), table.remove({}, 0), table.remove({5}, 1), #t)
local e = {} table.insert(e, "x") show(dump(e))
try(table.insert, {1}, 5, 2)
try(table.insert, {1}, 1, 2, 3)
try(table.insert, {})
try(table.insert, nil, 1)
try(table.insert, {}, 1.5, 2)
try(table.remove, {1, 2}, 5) -- 5.4.7 says #2 (5.4.4: #1); table.expected has #2
-- concat
show(table.concat({1, 2, 3}), table.concat({1, 2.5, "x"}, ", "), table.concat({}, "x"), table.concat({1, 2, 3}, "-", 2, 3))
show(table.concat({"a", "b"}, ",", 3), table.concat({"a"}, ",", 1, 1))
try(table.concat, {1, {}, 3})
try(table.concat, {1, 2}, "", 1, 3)
-- pack / unpack
local p = table.pack(1, nil, 3)
show(p.n, p[1], p[2], p[3], table.pack().n)
show(table.unpack({1, 2, 3}))
show(table.unpack({1, 2, 3}, 2))
show(table.unpack({1, 2, 3}, 2, 5))
show(select("#", table.unpack({}, 1, 0)), select("#", table.unpack({1, 2}, 3)))
try(table.unpack, {}, 1, 1e8)
-- move
show(dump(table.move({1, 2, 3, 4, 5}, 2, 4, 1)))
show(dump(table.move({1, 2, 3, 4, 5}, 1, 3, 3)))
local d = table.move({1, 2, 3}, 1, 3, 2, {}) show(d[1], d[2], d[3], d[4])
try(table.move, {1, 2, 3}, -1, math.maxinteger, 2)
try(table.move, {}, 1, math.maxinteger, 2)
-- sort
local s = {5, 2, 8, 1, 9, 3, 7, 4, 6, 0}
table.sort(s) show(dump(s))
table.sort(s, function(a, b) return a > b end) show(dump(s))
local words = {"pear", "apple", "fig", "banana", "cherry"}
table.sort(words) show(dump(words))
table.sort(words, function(a, b) return #a < #b or (#a == #b and a < b) end) show(dump(words))
local big = {}
for i = 1, 500 do big[i] = (i * 7919) % 1000 end
table.sort(big)
local ok = true
for i = 2, #big do if big[i - 1] > big[i] then ok = false end end
show(ok, big[1], big[500])
try(table.sort, {3, 2, 1, 5, 4, 7, 6}, function(a, b) return true end)
try(table.sort, {1, "x"})
try(table.sort, {1, 2}, 3)
-- metamethods: __index / __newindex / __len
local log = {}
local proxy = setmetatable({}, {
  __index = function(_, k) return k * 10 end,
  __len = function() return 3 end,
})
show(table.concat(proxy, ","), table.unpack(proxy))
local store = {}
local w = setmetatable({}, {__len = function() return #store end, __index = store,
  __newindex = function(_, k, v) log[#log + 1] = k store[k] = v end})
table.insert(w, "a") table.insert(w, "b") table.insert(w, 1, "z")
show(dump(store), table.concat(log, ","))
