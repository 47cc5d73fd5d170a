-- Assorted metatable behaviour: print ignores a redefined global tostring, __ipairs is not
-- consulted, __name shows in tostring, __index on missing methods, rawequal/rawlen/rawget.
local saved = tostring
tostring = function() return "redefined" end
print(12, "x", nil)
tostring = saved
local t = setmetatable({ 1, 2 }, { __ipairs = function() error("__ipairs must not be used") end })
local n = 0
for _ in ipairs(t) do n = n + 1 end
print("ipairs count", n)
local named = setmetatable({}, { __name = "Widget" })
print((tostring(named):gsub("0x%x+", "ADDR"):gsub(": %x+$", ": ADDR")))
local idx_calls = 0
local proxy = setmetatable({}, { __index = function(_, k) idx_calls = idx_calls + 1; return nil end })
print(pcall(function() return proxy:missing() end))
print(idx_calls)
print(rawequal("a", "a"), rawequal({}, {}), rawlen(setmetatable({ 1 }, { __len = function() return 9 end })))
print(pcall(rawlen, 5), pcall(rawset, {}, nil, 1))
print(rawget(setmetatable({}, { __index = function() return 1 end }), "x"))
local eqmt = { __eq = function() return true end }
local a, b = setmetatable({}, eqmt), setmetatable({}, eqmt)
local set = { [a] = "a" }
print(a == b, set[b], rawequal(a, b))
local called = {}
local cmt = { __lt = function() called[#called + 1] = "lt"; return true end }
local x, y = setmetatable({}, cmt), setmetatable({}, cmt)
print(x > y, x < y, table.concat(called, ","))
print(getmetatable(setmetatable({}, { __metatable = false })))
local ud_like = setmetatable({}, { __index = string })
print(ud_like.format("%d", 5))
