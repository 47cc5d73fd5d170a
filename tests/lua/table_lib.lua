-- table.insert/remove/concat/unpack/pack/move and their edge cases and errors.
local t = { 1, 2, 3 }
table.insert(t, 4)
table.insert(t, 1, 0)
table.insert(t, 3, 1.5)
print(table.concat(t, ","))
print(table.remove(t), table.remove(t, 1), table.concat(t, ","))
print(table.remove({}), table.remove({}, 0), #t)
print(pcall(table.insert, t, 10, 1))
print(pcall(table.insert, t, 0, 1))
print(table.remove(t, #t + 1), #t)
print(table.concat({}), table.concat({ 1, 2, 3 }), table.concat({ 1, 2, 3 }, ", ", 2), table.concat({ 1, 2, 3 }, "-", 2, 3))
print(table.concat({ "a", 1, 2.5 }, " "), table.concat({ "x" }, ",", 3, 2))
print(pcall(table.concat, { 1, {}, 3 }))
print(pcall(table.concat, { 1, 2 }, ",", 1, 3))
local p = table.pack(nil, 2, nil)
print(p.n, p[1], p[2], p[3])
print(table.unpack({ 1, 2, 3 }, -1, 1))
print(table.unpack({}, 1, 0))
print(select("#", table.unpack({ n = 3 }, 1, 3)))
local src = { 1, 2, 3, 4, 5 }
print(table.concat(table.move(src, 2, 4, 1), ","))
src = { 1, 2, 3, 4, 5 }
print(table.concat(table.move(src, 1, 3, 3), ","))
local dst = table.move({ 1, 2, 3 }, 1, 3, 2, { "a" })
print(table.concat(dst, ","))
print(#table.move({}, 1, 0, 1))
local q = {}
for i = 1, 10 do table.insert(q, i) end
local out = {}
while #q > 0 do out[#out + 1] = table.remove(q, 1) end
print(table.concat(out, " "))
local mt = setmetatable({}, { __index = function(_, i) return "v" .. i end, __len = function() return 3 end })
print(table.concat(mt, ","), table.unpack(mt))
print(pcall(table.insert, nil, 1))
print(pcall(table.insert, {}, "x", 1))
