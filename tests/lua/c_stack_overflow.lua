-- Unbounded recursion through pcall, metamethods, gsub callbacks and tostring is caught as
-- a stack overflow error (Lua or C stack), and the interpreter keeps working afterwards.
local function has_overflow(msg) return type(msg) == "string" and msg:find("stack overflow", 1, true) ~= nil end
local function via_pcall() local ok, err = pcall(via_pcall); if ok then return "no error" end return err end
local function nested_pcall(n) local ok, err = pcall(nested_pcall, n + 1); if not ok then error(err, 0) end return err end
print(has_overflow(select(2, pcall(nested_pcall, 1))))
local mt = {}
mt.__index = function(t, k) return setmetatable({}, mt)[k] end
print(has_overflow(select(2, pcall(function() return setmetatable({}, mt).x end))))
local function gsub_rec(s) return (s:gsub(".", gsub_rec)) end
print(has_overflow(select(2, pcall(gsub_rec, "x"))))
local ts = {}
ts.__tostring = function(o) return tostring(setmetatable({}, ts)) end
print(has_overflow(select(2, pcall(tostring, setmetatable({}, ts)))))
local function co_rec() local co = coroutine.wrap(co_rec); return co() end
print(has_overflow(select(2, pcall(co_rec))))
print(pcall(string.rep, "ok", 2))
local depth = 0
local function count(n) depth = n; if n < 150 then return select(2, pcall(count, n + 1)) end return n end
print(count(1), depth)
