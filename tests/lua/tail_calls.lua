-- Proper tail calls: unbounded depth without stack growth, and with varargs.
local function loop(n, acc)
  if n == 0 then return acc end
  return loop(n - 1, acc + 1)
end
print(loop(1000000, 0))
local is_even, is_odd
function is_even(n) if n == 0 then return true end return is_odd(n - 1) end
function is_odd(n) if n == 0 then return false end return is_even(n - 1) end
print(is_even(300001), is_odd(300001))
local function va(n, ...)
  if n == 0 then return select("#", ...), ... end
  return va(n - 1, n, ...)
end
print(va(5))
local function tail_to_builtin(t) return table.concat(t, "+") end
print(tail_to_builtin({1, 2, 3}))
local obj = { n = 0 }
function obj:step(k) if k == 0 then return self.n end self.n = self.n + 1 return self:step(k - 1) end
print(obj:step(100000))
local callable = setmetatable({}, { __call = function(self, n) return n * 2 end })
local function tail_meta(n) return callable(n) end
print(tail_meta(21))
print(select("#", (function() return loop(3, 0) end)()))
