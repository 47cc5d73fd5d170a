-- Upvalues: shared between closures, survive their frame, nested levels, and writes.
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
print(get(), inc(), get())
local inc2, get2 = counter()
print(inc2(), get(), get2())
local function outer()
  local a = 1
  local function middle()
    local b = 10
    return function()
      a = a + 1
      b = b + 1
      return a + b
    end
  end
  local f = middle()
  local g = middle()
  return f, g, function() return a end
end
local f, g, geta = outer()
print(f(), f(), g(), geta())
local fns = {}
do
  local shared = 0
  for i = 1, 3 do
    fns[i] = function(d) shared = shared + d; return shared end
  end
end
print(fns[1](1), fns[2](10), fns[3](100))
local function make(x) return function() return x end end
print(make(1)(), make("s")(), make(nil)())
local v = "before"
local function reader() return v end
v = "after"
print(reader())
local function deep()
  local l1 = 1
  return function()
    local l2 = 2
    return function()
      local l3 = 3
      return function() return l1 + l2 + l3 end
    end
  end
end
print(deep()()()())
