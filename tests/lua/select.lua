-- select: "#", positive and negative indices, out-of-range errors, huge argument lists.
print(select("#"), select("#", nil), select("#", 1, nil, nil))
print(select(1, "a", "b", "c"))
print(select(3, "a", "b", "c"))
print(select(4, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select(-2, "a", "b", "c"))
print(select(2.0, "a", "b"))
print(pcall(select, 2.5, "a"))
print(pcall(select, "x"))
print(pcall(select, 0))
print(pcall(select, -2, "a"))
print(pcall(select))
local t = {}
for i = 1, 250 do t[i] = i end
print(select("#", table.unpack(t)), select(250, table.unpack(t)), select(-250, table.unpack(t)))
print(select("#", select(2, table.unpack(t))))
