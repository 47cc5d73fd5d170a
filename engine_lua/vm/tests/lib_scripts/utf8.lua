-- utf8 library: expected output from lua5.4 (5.4.4)
local function show(...) local t = table.pack(...) for i = 1, t.n do t[i] = tostring(t[i]) end print(table.concat(t, " | ")) end
local function try(f, ...) show(pcall(f, ...)) end

show(utf8.char(72, 0xE9, 0x20AC, 0x1F600), #utf8.char(0x7FFFFFFF), utf8.char())
try(utf8.char, -1)
try(utf8.char, 0x80000000)
show(utf8.charpattern == "[\0-\x7F\xC2-\xFD][\x80-\xBF]*")
local s = "h\xC3\xA9llo \xE2\x82\xAC"
show(utf8.len(s), utf8.len(s, 3), utf8.len("a\x80"), utf8.len("abc", 4), utf8.len(""))
show(utf8.len("\xF4\x90\x80\x80"), utf8.len("\xF4\x90\x80\x80", 1, -1, true), utf8.len("\xED\xA0\x80"))
try(utf8.len, "abc", 5)
try(utf8.len, "abc", 1, 4)
show(utf8.codepoint(s, 1, -1))
show(utf8.codepoint(s), utf8.codepoint(s, 2), select("#", utf8.codepoint(s, 3, 2)))
try(utf8.codepoint, s, 3)
try(utf8.codepoint, "\xff")
try(utf8.codepoint, "abc", 0)
try(utf8.codepoint, "abc", 1, 4)
show(utf8.codepoint("\u{7FFFFFFF}", 1, 1, true))
show(utf8.offset(s, 3), utf8.offset(s, -1), utf8.offset(s, 0, 3), utf8.offset("abc", 5), utf8.offset("abc", 4), utf8.offset("abc", -4))
try(utf8.offset, s, 1, 3)
try(utf8.offset, "abc", 1, 5)
local acc = {}
for p, c in utf8.codes(s) do acc[#acc + 1] = p .. ":" .. c end
show(table.concat(acc, " "))
-- 5.4.7 behaviour expected: a stray continuation byte after a character is an error
-- (5.4.4 skipped it and printed "1:97 3:98").
try(function()
  acc = {}
  for p, c in utf8.codes("a\x80b") do acc[#acc + 1] = p .. ":" .. c end
  return table.concat(acc, " ")
end)
try(function() for _ in utf8.codes("ab\xC3") do end end)
try(function() for _ in utf8.codes("\xF4\x90\x80\x80") do end end)
try(function() local n = 0 for _ in utf8.codes("\xF4\x90\x80\x80", true) do n = n + 1 end return n end)
for c in s:gmatch(utf8.charpattern) do io.write("[", c, "]") end print()
