-- Infinite recursion is a catchable "stack overflow" error, and the state still works after it.
local function inf(n) return 1 + inf(n + 1) end
local ok, err = pcall(inf, 1)
print(ok, (string.find(err, "stack overflow", 1, true)) ~= nil)
local function inf2() local t = {}; return inf2() + 1 end
ok, err = pcall(inf2)
print(ok, (string.find(err, "stack overflow", 1, true)) ~= nil)
local mt = {}
mt.__index = function(t, k) return t[k] end
ok, err = pcall(function() return setmetatable({}, mt).x end)
print(ok, (string.find(err, "stack overflow", 1, true)) ~= nil)
local co = coroutine.create(function() return inf(1) end)
local cok, cerr = coroutine.resume(co)
print(cok, (string.find(cerr, "stack overflow", 1, true)) ~= nil)
local function fine(n) if n == 0 then return 0 end return 1 + fine(n - 1) end
print(fine(1000))
