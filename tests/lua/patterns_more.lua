-- More pattern semantics: anchors in gmatch/gsub, %g %x %w classes, frontier at ends,
-- lazy and optional items, back-references, captures in gsub replacement tables.
local n = 0
for a in ("aaa"):gmatch("^a") do n = n + 1 end
print("gmatch ^", n)
print(("aaa"):gsub("^a", "b"), ("hello world"):gsub("o$", "0"), ("x"):gsub("^$", "e"), (""):gsub("^$", "e"))
print(("tab\there x"):match("%g+"), ("0x1fZ"):match("%x+", 3), ("a_b1"):match("%w+"))
print(("THE END"):find("%f[%w]%w+$"), ("word"):find("%f[%W]"), ("  x"):find("%f[%S]"))
print(("aXb"):match("a(.?)b"), ("ab"):match("a(.?)b"), ("abb"):match("ab-"), ("abb"):match("ab-$"))
print(("hello hello"):match("(h%a+) %1"), ("ab-ab"):find("(ab)%-%1"))
print(("key=val"):gsub("(%w+)=(%w+)", "%2=%1"), ("abc"):gsub("%w", "%0%0"))
print(("a.b.c"):gsub("%.", "%%"), ("50%"):gsub("%%", "%%%%"))
print(pcall(string.gsub, "abc", "(a)", "%2"))
print(pcall(string.find, "abc", "%1"))
print(pcall(string.match, "abc", "%f"))
print(pcall(string.rep))
print(("[test]"):match("^%[(.*)%]$"), ("a]b"):match("[]]"), ("a-b"):match("[a%-]+"), ("^x"):match("[%^x]+"))
print(("2024"):match("^%d%d%d%d$"), ("20x4"):match("^%d+$"), ("  42  "):match("^%s*(%-?%d+)%s*$"))
print(string.find("abc", "b", -1), string.find("abc", "b", -2), string.find("", ""), string.find("", "", 2))
local words = {}
for k, v in ("a=1&b=2&c="):gmatch("(%w+)=(%w*)") do words[#words + 1] = k .. ":" .. v end
print(table.concat(words, ","))
print(("one;two;;four"):gsub(";;", ";nil;"))
print(string.gsub("abc", ".", { a = "[a]" }, 2))
print(("%d"):gsub("%%d", "X"), ("CAPS"):lower():gsub("^%l", string.upper))
local depth = string.rep("(", 30) .. string.rep(")", 30)
print(#depth:match("%b()"))
print(pcall(string.match, string.rep("a", 40), string.rep("(a)", 33)))
