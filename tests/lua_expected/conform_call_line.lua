-- 5.4.7 attributes a call to the line of its arguments' first token; 5.4.4 to the
-- line where the called expression starts (also in "to close '(' at line N").
print(load("f\n(\n1\n"))
print(load("a.b:c\n(\n1\n"))
print(pcall(load("local t = {}\nt\n:\nm\n(1)")))
print(pcall(load("local t = setmetatable({}, {__index = function() return 1 end})\nt\n:\nm\n{1}")))
print(pcall(load("x\n'str'")))
print(pcall(load("local t = {f = function() error('e', 2) end}\nt\n.\nf\n(\n)")))
local function f() return debug.getinfo(2, "l").currentline end
print(f
(
))
local function tb() return debug.traceback("tb", 2) end
print((tb
(
):gsub("\n%s*%[C%]: in %?$", "")))
print(select(2, pcall(function() local x = nil; x
  (
  ) end)))
