-- __call: callable tables, arguments, multiple results, chains, in pcall and methods.
local adder = setmetatable({ base = 10 }, { __call = function(self, a, b) return self.base + a + (b or 0), "second" end })
print(adder(1), adder(1, 2))
print(select("#", adder(1)))
print(pcall(adder, 5))
local inner = setmetatable({}, { __call = function(_, x, y) return "inner " .. type(x) .. " " .. tostring(y) end })
local outer = setmetatable({}, { __call = inner })
print(pcall(outer, 1))
local obj = { f = adder }
print(obj.f(3))
print(pcall(obj.f, obj, 3))
local t = { adder(1) }
print(#t)
local counter = setmetatable({ n = 0 }, { __call = function(self) self.n = self.n + 1; return self.n end })
for _ = 1, 5 do counter() end
print(counter.n)
print(pcall(function() local x = {}; x() end))
local co = coroutine.wrap(function(...) return adder(...) end)
print(co(100))
