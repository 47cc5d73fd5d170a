-- Messages for indexing non-tables, naming the variable kind (global, local, field, upvalue, method).
local function msg(f) local ok, e = pcall(f); return e end
print(msg(function() return undefined_global.x end))
print(msg(function() local l; return l.x end))
print(msg(function() local t = {}; return t.a.b end))
print(msg(function() local t = {}; return t.a.b.c end))
local up
print(msg(function() return up.x end))
print(msg(function() local s = "str"; return s.x.y end))
print(msg(function() local t = {}; t.x.y = 1 end))
print(msg(function() undefined_global.x = 1 end))
print(msg(function() local n = 5; return n.field end))
print(msg(function() local b = true; b.x = 1 end))
print(msg(function() local t = {}; t:nomethod() end))
print(msg(function() local t = {}; return t[1][2] end))
print(msg(function() local t = { {} }; return t[1][2][3] end))
print(msg(function() return ("x").y.z end))
print(msg(function() local a = {}; local k = "key"; return a[k].f end))
print(msg(function() return math.nofunc.x end))
