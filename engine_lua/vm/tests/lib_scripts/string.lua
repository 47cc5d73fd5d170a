-- string library: expected output from lua5.4 (5.4.4)
local function show(...) local t = table.pack(...) for i = 1, t.n do t[i] = tostring(t[i]) end print(table.concat(t, " | ")) end
local function try(f, ...) show(pcall(f, ...)) end

-- len, sub, upper, lower, reverse, rep
show(#"", ("abc"):len(), string.len("\0\0"))
show(("hello"):sub(2), ("hello"):sub(2, 3), ("hello"):sub(-3), ("hello"):sub(-100, 2), ("hello"):sub(4, 2), ("hello"):sub(0), ("hello"):sub(3, -1), ("hello"):sub(6))
show(("MiXeD 123"):upper(), ("MiXeD 123"):lower(), ("abc"):reverse(), (""):reverse())
show(("ab"):rep(3), ("ab"):rep(3, "-"), ("ab"):rep(0), ("ab"):rep(-1), ("x"):rep(1, "sep"))
try(string.rep, "x", 1 << 40)
try(string.rep)
-- byte, char
show(string.byte("ABC"), string.byte("ABC", 2), string.byte("ABC", 1, -1), string.byte("ABC", 10))
show(select("#", string.byte("ABC", 3, 1)), string.byte("ABC", -1))
show(string.char(72, 105), string.char(), #string.char(0, 255))
try(string.char, 256)
try(string.char, -1)
try(string.char, "x")
-- find
show(string.find("hello world", "wor"), string.find("hello world", "o", 6), string.find("hello", "l+"))
show(string.find("a.b", ".", 1, true), string.find("a.b", "%."), string.find("abc", "b", -1), string.find("abc", "", 10))
show(string.find("abc", "", 4), string.find("", ""), string.find("x^y", "^y", 3), string.find("aaa", "^a", 2))
show(string.find("THE (quick) fox", "%((%a+)%)"))
try(string.find, "abc", "[a")
try(string.find, "abc", "(()")
try(string.find, "abc", "%")
-- match
show(string.match("key = value", "(%w+)%s*=%s*(%w+)"), string.match("  trim  ", "^%s*(.-)%s*$"), string.match("abc", "()b()"))
show(string.match("2024-01-05", "(%d+)-(%d+)-(%d+)"), string.match("hello", ".-(l+)"), string.match("no", "x"))
show(string.match("[[nested]]", "%[(%b[])%]"), string.match("THE END", "%f[%w]%w+$"), string.match("f(a(b)c)", "%b()"))
-- gmatch
local acc = {}
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do acc[#acc + 1] = k .. v end
show(table.concat(acc, ";"))
acc = {}
for w in string.gmatch("abc", "b*") do acc[#acc + 1] = "[" .. w .. "]" end
show(table.concat(acc))
acc = {}
for p in string.gmatch("abc", "()") do acc[#acc + 1] = p end
show(table.concat(acc, ","))
acc = {}
for w in string.gmatch("one two three", "%a+", 5) do acc[#acc + 1] = w end
show(table.concat(acc, ","))
-- gsub
show(string.gsub("hello world", "o", "0"))
show(string.gsub("hello world", "(%w+)", "<%1>"))
show(string.gsub("hello world", "%w+", "%0 %0", 1))
show(string.gsub("abc", "", "-"))
show(string.gsub("abc", "%w", "%%"))
show(string.gsub("$name is $age", "%$(%w+)", {name = "Bob", age = 42}))
show(string.gsub("$name is $unknown", "%$(%w+)", {name = "Bob"}))
show(string.gsub("abc", "%w", function(c) return c:byte() end))
show(string.gsub("abc", "%w", function(c) if c == "b" then return false end return c:upper() end))
show(string.gsub("abc def", "(%w+) (%w+)", "%2 %1"))
show(string.gsub("abc", "b", 5))
show(string.gsub("aaa", "a", "b", 0), string.gsub("aaa", "a", "b", -1))
try(string.gsub, "abc", "a", "%2")
try(string.gsub, "abc", "a", "%")
try(string.gsub, "abc", "a")
try(string.gsub, "abc", "(b)", {b = {}})
try(string.gsub, "abc", "(b)", function() return true end)
-- format
show(string.format("%d %5d %-5d| %05d %+d %x %X %o %#x", 42, 42, 42, 42, 42, 255, 255, 8, 255))
show(string.format("%f %.2f %10.3f %-10.1f| %e %.3E %g %g %g", 3.14159, 2.5, 1 / 3, 2.25, 12345.678, 0.000123, 1e20, 0.1, 100))
show(string.format("%a %A %.2a", 1.0, 0.5, 1 / 3))
show(string.format("%s %s %s %s %10s| %-10s| %.2s", "str", 12, 1.5, nil, "right", "left", "truncate"))
show(string.format("%q", "line1\nline2\0end\"quoted\"\\ \r\t\1272"))
show(string.format("%q %q %q %q %q", 42, math.mininteger, 1.5, 1 / 0, true))
show(string.format("%c%c%c %%", 76, 117, 97))
show(string.format("%d", 3.0), string.format("%.3d", 7), string.format("%i", -0))
show(string.format("%s", setmetatable({}, {__tostring = function() return "custom!" end})))
try(string.format, "%d", 3.5)
try(string.format, "%d", "x")
try(string.format, "%y", 1)
try(string.format, "%10.123d", 1)
try(string.format, "%d %d", 1)
try(string.format, "%q", {})
try(string.format, "%.3q", "x")
-- pack
show(string.packsize("i4 i8 d"), string.packsize("!8 b d"), #string.pack("z", "abc"))
show(string.unpack("<i4", string.pack("<i4", -2)), string.unpack(">I2", "\1\2"), string.unpack("s1", "\3abc"))
show(string.unpack("z z", "ab\0cd\0"), string.unpack("d", string.pack("d", 1.5)))
try(string.pack, "i17", 1)
try(string.unpack, "i4", "ab")
try(string.packsize, "s")
-- metamethods and coercion
show("10" + 5, "3" * "4", "2" ^ 2, -"2", "7" // 2, "7" % "4", "0x10" + 0, "1e1" * 1)
try(function() return "abc" + 1 end)
try(function() return {} .. "x" end)
show(("x"):rep(3), ("%d"):format(7), #("abc"), ("abc"):byte(-1))
-- dump
show(type(string.dump(function() end)), string.dump(function() end):byte(1))
try(string.dump, print)
try(string.dump, 1)
-- optional and required positions
show(select("#", string.byte("a", 0)), select("#", string.byte("abc", -1)), ("abc"):find("b", nil))
try(string.sub, "abc")
try(string.sub, "abc", nil, 2)
