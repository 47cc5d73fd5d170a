-- Syntax errors reported by load, worded as luac words them.
local cases = {
  "x = = 1", "local 1 = 2", "if x then", "for i = 1 do end", "f(", "x = }", "return return",
  "local function end", "a.b:c = 1", "x = 1 +", "break", "goto continue", "local x <close>, y <close> = 1, 2",
  "::l:: ::l::", "x = '\\k'", "(f)", "a, b", "local t = {1, 2", "function f(a, ...) return ... end ...",
  "function f() return ... end", "x = 0x", "x = 1e+", "for a, b in x end", "repeat until",
  "while true do", "do end end", "x =\n\n\n", "return 1,", "local function f() end f(1,)", "t = {[1] = }",
  "x = #", "x = not", "elseif", "x ~= 1", "a.1 = 2", "local a.b = 1", "f() = 1", "x, y() = 1, 2",
}
for _, src in ipairs(cases) do
  local f, err = load(src, "=src")
  local quoted = string.format("%q", src)
  print(quoted .. string.rep(" ", 40 - #quoted) .. " -> " .. (f and "ok" or err))
end
local many = {}
for i = 1, 201 do many[i] = "local v" .. i .. " = " .. i end
print(select(2, load(table.concat(many, "\n"), "=many")))
local outer, inner, uses = {}, {}, {}
for i = 1, 150 do outer[i] = "local a" .. i .. " = " .. i; uses[#uses + 1] = "a" .. i end
for i = 1, 150 do inner[i] = "local b" .. i .. " = " .. i; uses[#uses + 1] = "b" .. i end
local src = table.concat(outer, "\n") .. "\nlocal function mid()\n" .. table.concat(inner, "\n") ..
  "\nreturn function() return " .. table.concat(uses, "+") .. " end\nend"
print(select(2, load(src, "=ups")))
