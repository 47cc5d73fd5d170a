-- and/or/not: short circuit, values returned, truthiness of 0 and "".
local calls = {}
local function f(tag, v) calls[#calls + 1] = tag; return v end
print(nil and 1, false and 1, 0 and 1, "" and 2)
print(nil or 1, false or nil, 0 or 1, false or false)
print(not nil, not false, not 0, not "", not {})
print(1 and 2 or 3, nil and 2 or 3, false or nil and 1)
local r = f("a", false) and f("b", true)
print(r, table.concat(calls, ","))
calls = {}
r = f("a", 1) or f("b", 2)
print(r, table.concat(calls, ","))
calls = {}
r = f("a", nil) or f("b", false) or f("c", "x")
print(r, table.concat(calls, ","))
local x = 5
print(x > 3 and "big" or "small", x > 10 and "big" or "small")
print((nil == false), (1 == 1) == true)
local function multi() return 1, 2 end
print((multi()) and multi())
print(multi() or 5)
local a, b = nil, 7
local c = a or b and b * 2
print(c)
if not (a or false) then print("branch ok") end
while x and x > 0 do x = x - 2 end
print(x)
