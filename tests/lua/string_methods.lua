-- The string library's simple functions: len sub upper lower rep reverse byte char.
local s = "Hello, World"
print(#s, s:len(), s:upper(), s:lower(), s:reverse())
print(s:sub(1, 5), s:sub(-5), s:sub(8), s:sub(0), s:sub(5, 3), s:sub(-100, 2), s:sub(3, -3))
print(s:sub(2^31), s:sub(math.mininteger, math.maxinteger) == s)
print(s:byte(), s:byte(1, 3), s:byte(-1), s:byte(100))
print(string.char(72, 105, 0, 33):byte(1, -1))
print(string.char(), #string.char(0, 0))
print(pcall(string.char, 256))
print(("ab"):rep(3), ("ab"):rep(3, "-"), ("x"):rep(0), ("x"):rep(-1), ("x"):rep(1, ","))
print(("%d"):rep(2):format(1, 2))
print(string.len("\0\1\2"), ("\255"):byte())
local t = {}
for i = 1, #s do t[#t + 1] = s:sub(i, i) end
print(table.concat(t, "."))
print(("abc"):upper():lower():rep(2):sub(2, 4))
print(("MiXeD 123 !?"):upper(), ("MiXeD 123 !?"):lower())
print(tostring(1.5):rep(2), pcall(function() return (12):rep(2) end))
