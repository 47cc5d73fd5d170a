-- utf8.codes strictness (5.4.7): a stray continuation byte after a character is an
-- error, as is a subject starting with a continuation byte.
local function try(s, lax)
  local ok, err = pcall(function ()
    local out = {}
    for p, c in utf8.codes(s, lax) do out[#out + 1] = p .. ":" .. c end
    return table.concat(out, " ")
  end)
  local shown = s:gsub("[\128-\255]", function (c) return ("\\x%02x"):format(c:byte()) end)
  print(shown, ok, err)
end
try("abc")
try("ab\xff")
try("in\x80valid")
try("\xbfinvalid")
try("\u{3b1}\u{3bb}\u{3c6}\xBF\u{3b1}")
try("\u{7FFFFFFF}", true)
try("\u{7FFFFFFF}")
try("")
local f = utf8.codes("")
print(f("", 2), f("", -1), f("abc", 0), f("abc", 1), f("abc", 3))
print(f("\u{3b1}x", 1))
print(pcall(f, "a\x80", 0))
