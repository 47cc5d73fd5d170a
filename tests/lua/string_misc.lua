-- Edge cases of string functions: float indices, huge repetition errors, %q round trips.
print(("abcdef"):sub(2.0, 4.0), pcall(string.sub, "abc", 1.5))
print(pcall(string.rep, "x", 1 << 40))
local samples = { "plain", "with \"quotes\"", "new\nline", "\0zero", "\r\t\1\127\200\255", "\\back", "", "]]" }
for _, s in ipairs(samples) do
  local q = string.format("%q", s)
  print(#q, load("return " .. q)() == s)
end
print(string.format("%q", "\n"):byte(1, -1))
print(("x"):rep(3, ""), ("ab"):reverse():upper(), ("  "):len())
print(string.byte(""), string.char(), ("abc"):byte(10), ("abc"):byte(-10, 10))
print(("hello world"):find("o", 5), ("hello world"):find("o", 6), ("hello"):find(""), ("hello"):find("", 100))
print(tostring(nil) .. "", tostring(12):len(), ("%s=%s"):format("k", "v"):upper())
print(("test123"):match("^(%a+)(%d+)$"))
print(string.format("%-5s|%5s|", "ab", "cd"), string.format("%.0s|", "gone"))
print(#string.format("%s", string.rep("a", 1000)), string.format("%s %s", 1, 2.0))
