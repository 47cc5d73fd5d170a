local t = setmetatable({}, {__tostring = function(t) return tostring(t) end})
local ok, e = pcall(tostring, t)
print(ok, e)
local ix = setmetatable({}, {}) getmetatable(ix).__index = function(t, k) return t[k] end
print(pcall(function() return ix.x end))
local function f() return pcall(f) end
print(f())
print(pcall(string.rep, "x", -1))
print(select('#', pcall(error)))
local co = coroutine.wrap(function(...) return select('#', ...), ... end)
print(co(nil, nil))
print(string.format("%5.1f|%d|%s", 3.14159, 42, {} ~= nil))
local t2 = {} for i = 1, 10 do t2[i] = i end
for k, v in pairs(t2) do if k % 2 == 0 then t2[k] = nil end end
print(#t2 == 9 or #t2 == 10 or #t2, next(t2))
print(pcall(next, {}, 1))
local big = {} for i = 1, 100 do big[i] = i end for i = 1, 100 do big[i] = nil end print(#big, next(big))
goto skip
print("not printed")
::skip::
print(("x"):rep(3), #"abc", -2^63 == math.mininteger, 5 // 0.0, -5 % 0.0, 0/0 ~= 0/0)
print(math.maxinteger + 1 == math.mininteger, 1e308 * 10, string.format("%q", 1/3))
print(tostring(2^63), math.tointeger(3.0), 3 | 0, "10" + 5, "3.5" * 2, 10 // "3")
