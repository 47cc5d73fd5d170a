-- utf8 library on valid input: char, codepoint, len, offset, codes, charpattern.
local s = "h\u{E9}llo \u{4E16}\u{754C} \u{1F600}"
print(#s, utf8.len(s), utf8.char(104, 233, 0x4E16, 0x1F600) == "h\u{E9}\u{4E16}\u{1F600}")
print(utf8.codepoint(s, 1, -1))
print(utf8.codepoint("abc"), utf8.codepoint("abc", 2), utf8.codepoint("abc", -1))
for p, c in utf8.codes("a\u{E9}\u{4E16}") do io.write(p, ":", c, " ") end
print()
print(utf8.offset(s, 1), utf8.offset(s, 3), utf8.offset(s, -1), utf8.offset(s, 0, 3), utf8.offset(s, 20))
print(utf8.len("abc", 2), utf8.len("", 1), utf8.len("abc", 4), utf8.len(s, -4))
print(utf8.len("ab\255cd"))
print(utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*")
local chars = {}
for ch in s:gmatch(utf8.charpattern) do chars[#chars + 1] = ch end
print(#chars, chars[2], chars[#chars])
print(utf8.char(), utf8.char(0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF):byte(1, -1))
print(pcall(utf8.codepoint, s, 3))
print(pcall(utf8.char, -1))
print(pcall(utf8.offset, s, 1, 3))
print(utf8.codepoint("\u{7FFFFFFF}", 1, 1, true))
