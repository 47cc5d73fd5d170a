-- The .. operator: strings, numbers, right associativity, long chains, errors.
print("a" .. "b" .. "c")
print(1 .. 2, 1.5 .. "|", -3 .. "", 2^63 .. "")
print("x" .. 10 // 3 .. "y")
local parts = {}
for i = 1, 20 do parts[#parts + 1] = i end
local s = ""
for i = 1, 20 do s = s .. i .. (i < 20 and "," or "") end
print(s, s == table.concat(parts, ","))
local a, b, c, d, e = "1", "2", "3", "4", "5"
print(a .. b .. c .. d .. e .. a .. b .. c .. d .. e)
print(pcall(function() return "a" .. nil end))
print(pcall(function() return "a" .. {} end))
print(pcall(function() return true .. "a" end))
local t = { name = "t" }
print(pcall(function() return t.missing .. "x" end))
print(#("abc" .. "defg"), ("ab"):rep(3) .. "!")
print("" .. "" == "")
print("\0a" .. "b" == "\0ab", #("\0" .. "\0"))
