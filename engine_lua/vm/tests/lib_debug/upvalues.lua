-- debug.getupvalue / setupvalue / upvalueid / upvaluejoin.
local a, b = 1, 2
local function f() return a + b end
print(debug.getupvalue(f, 1))
print(debug.getupvalue(f, 2))
print(debug.getupvalue(f, 3))
print(select("#", debug.getupvalue(f, 3)))
print(debug.setupvalue(f, 1, 10), f(), a)
print(debug.setupvalue(f, 5, 10))
print(pcall(debug.getupvalue, 1, 1))
print(pcall(debug.getupvalue, f, "x"))
print(pcall(debug.setupvalue, f, 1))
print(debug.getupvalue(print, 1))
local g = function() return a end
print(debug.upvalueid(f, 1) == debug.upvalueid(g, 1))
print(debug.upvalueid(f, 1) == debug.upvalueid(f, 2))
print(type(debug.upvalueid(f, 1)))
print(debug.upvalueid(f, 3))
print(debug.upvalueid(print, 1))
print(pcall(debug.upvalueid, f))
debug.upvaluejoin(g, 1, f, 2)
print(g(), debug.upvalueid(g, 1) == debug.upvalueid(f, 2))
print(pcall(debug.upvaluejoin, f, 1, print, 1))
print(pcall(debug.upvaluejoin, f, 3, g, 1))
local function counter()
  local n = 0
  return function() n = n + 1 return n end
end
local c1 = counter()
c1()
print(debug.getupvalue(c1, 1))
local main_env = debug.getupvalue(load("return x"), 1)
print(main_env)
