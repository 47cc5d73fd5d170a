-- load with a reader function: pieces, empty pieces, nil ends, errors in the reader and
-- non-string pieces come back as (nil, message) instead of propagating.
local pieces = { "local a", " = 4", "", "0 + 2 ", "return a" }
local i = 0
local f = load(function() i = i + 1; return pieces[i] end)
print(f(), i)
local function first_line(s) return (s:match("^[^\n]*")) end
local g, err = load(function() error("reader failed") end)
print(g, first_line(err))
g, err = load(function() return {} end)
print(g, first_line(err))
local calls = 0
g, err = load(function() calls = calls + 1; if calls == 1 then return "return 1 +" end end, "=pieces")
print(g, err, calls)
g = load(function() return nil end)
print(type(g), g and g())
