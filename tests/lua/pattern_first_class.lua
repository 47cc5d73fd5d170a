-- Unanchored find/match/gmatch/gsub over patterns that start with a single-character
-- class (literal, %x, [set], [^set]) with and without quantifiers, at every start
-- position: the searches skip bytes that cannot start a match and must find the same
-- matches (and raise the same errors) as a position-by-position search.
local pieces = {"a", "b", "%a", "%d", "%s", "%S", "[ab]", "[^a]", "[%d%-]", "[a-c]",
  "[^ \t]", "%%", "x", "(", ")", "%1", "*", "+", "-", "?", ".", "$", "^", "[%c\"\\]",
  "%w", "%f[%w]", "%bxy", "[]", "[^]", "%", "[a", "()", "%x", "[%]]", "[]]", "[^%s%d]"}
local subjects = {"", "abc", "a1 b2\tc3", "xyaxbyy", "  hello  world ", "aaa", "1-2-3",
  "\"q\\uote\"\n", "ab%cd", "^a$", "]]a]", "\0a\0b"}
local seed = 42
local function rnd(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n + 1
end
local function show(...)
  local t = table.pack(...)
  for k = 1, t.n do t[k] = tostring(t[k]) end
  return table.concat(t, " ", 1, t.n)
end
for i = 1, 1500 do
  local t = {}
  for j = 1, rnd(4) do t[j] = pieces[rnd(#pieces)] end
  local p = table.concat(t)
  local s = subjects[rnd(#subjects)]
  local init = rnd(#s + 3) - 2
  local acc = {}
  local ok, e = pcall(function()
    for a, b in string.gmatch(s, p) do
      acc[#acc + 1] = tostring(a) .. "/" .. tostring(b)
      if #acc > 20 then break end
    end
  end)
  print(i, string.format("%q", p), string.format("%q", s), init,
    show(pcall(string.find, s, p, init)),
    show(pcall(string.match, s, p, init)),
    show(pcall(string.gsub, s, p, "<%0>")),
    show(pcall(string.gsub, s, p, "#", 2)),
    ok, e, table.concat(acc, ","))
end
