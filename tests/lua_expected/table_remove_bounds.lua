-- table.remove position errors name argument #2 (5.4.7; Debian's 5.4.4 says #1).
local t = { 1, 2, 3 }
print(pcall(table.remove, t, 10))
print(pcall(table.remove, t, -1))
print(table.remove(t, 4), table.remove(t, 3), #t)
print(table.remove({}, 0), table.remove({}, 1))
