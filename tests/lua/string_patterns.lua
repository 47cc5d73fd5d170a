-- Patterns: find, match, gmatch with classes, anchors, captures, %b, %f, position captures.
print(string.find("hello world", "wor"), string.find("hello", "l"), string.find("hello", "xyz"))
print(string.find("a.b", ".", 1, true), string.find("a.b", "%."), string.find("abc", "", 10), string.find("abc", "", 4))
print(string.find("hello", "l", -2), string.find("hello", "h", -100))
print(string.match("key = value", "(%w+)%s*=%s*(%w+)"))
print(string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))
print(string.match("  trim me  ", "^%s*(.-)%s*$") .. "|")
print(string.match("hello", "()ll()"))
print(string.match("abc", "^b"), string.match("abc", "^a"), string.match("abc", "c$"), string.match("a$c", "$c"))
print(string.match("THE (quick) fox", "%((%a+)%)"), string.match("f(a(b)c)d", "%b()"))
print(string.match("THE (quick) fox", "%f[%a]%a+", 5))
print(string.match("[[nested]]", "%[(%b[])%]"))
print(string.match("aaab", "a-b"), string.match("aaab", "a*"), string.match("aaab", "a+?"), string.match("b", "a?b"))
print(string.match("x = 10, y = 20", "y = (%d+)"))
print(string.match("hello", "(h)(e)(l)(l)(o)"))
print(string.match("abc123def", "%a+(%d+)%a+"), string.match("abc", "%d*"))
print(string.match("  x", "%S"), string.match("a,b", "[^,]+$"), string.match("A1_b", "[%w_]+"))
print(string.match("hello world from lua", "(%w+) (%w+)", 7))
print(string.match("abab", "(ab)%1"), string.match("xyyx", "(.)(.)%2%1"))
print(string.match("0x1F", "^0[xX](%x+)$"), string.match("ctrl\1\2", "%c+"):byte(1, -1))
print(string.match("p.u.n.c.t", "%p"), string.match("UPPER lower", "%u+"), string.match("UPPER lower", "%l+"))
local words = {}
for w in string.gmatch("one two  three   four", "%S+") do words[#words + 1] = w end
print(#words, table.concat(words, "|"))
local pairs_found = {}
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do pairs_found[#pairs_found + 1] = k .. v end
print(table.concat(pairs_found, " "))
local positions = {}
for p in string.gmatch("abcabc", "()b") do positions[#positions + 1] = p end
print(table.concat(positions, ","))
local empties = 0
for _ in string.gmatch("abc", "x*") do empties = empties + 1 end
print(empties)
print(pcall(string.match, "x", "("), pcall(string.match, "x", "%"))
print(pcall(string.find, "x", "[a"))
print(pcall(string.match, "x", "(()"))
print(string.find("a+b", "+", 1, true), string.find("a\0b", "\0"), string.match("a\0b", "%z") == nil)
print(string.gmatch("abc", "b")())
print(string.match(string.rep("a", 100), ".-b"))
for a, b in string.gmatch("k1=v1;k2=v2", "(%w+)=(%w+)") do io.write(a, "->", b, " ") end
print()
print(("test"):find("t", 2), ("test"):match(".", -1))
