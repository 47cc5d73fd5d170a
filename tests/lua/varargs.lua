-- Varargs: select, table.pack/unpack, ... in table constructors and calls, nils.
local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local function pass(...) return ... end
print(pass(1, 2, 3))
print((pass(1, 2, 3)))
print(pass(1, 2, 3), "end")
local function tbl(...) return { ... } end
print(#tbl(1, 2, 3), #tbl())
local p = table.pack(1, nil, 3)
print(p.n, p[1], p[2], p[3])
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2))
print(table.unpack({1, 2, 3}, 2, 5))
print(select(2, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select(-3, "a", "b", "c"))
print(pcall(select, 0, "a"))
print(pcall(select, -4, "a", "b", "c"))
local function first(a, ...) return a, select("#", ...) end
print(first(9, 8, 7))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
print(sum(1, 2, 3, 4, 5))
local function fixed(a, b, c) return a, b, c end
print(fixed(1))
print(fixed(1, 2, 3, 4))
local function vararg_in_middle(...) return ..., "last" end
print(vararg_in_middle(1, 2))
local function varargs_table(...)
  local t = { n = select("#", ...), ... }
  return t.n, t[1], t[t.n]
end
print(varargs_table("x", "y", "z"))
print(string.format("%s %s", pass("a", "b")))
local big = {}
for i = 1, 200 do big[i] = i end
print(select("#", table.unpack(big)), sum(table.unpack(big)))
