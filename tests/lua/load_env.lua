-- load with strings, reader functions, chunk names, modes, and custom _ENV tables.
local f = load("return 1 + 1")
print(f())
print(load("syntax error here"))
print(load("return ...", "chunk")(1, 2))
local env = { print = print, x = 5 }
local g = load("x = x + 1; return x", "envchunk", "t", env)
print(g(), env.x, x)
local parts = { "return ", "10 ", "* 2" }
local i = 0
print(load(function() i = i + 1; return parts[i] end)())
print(type(load(function() return nil end)))
print(pcall(load, 42))
print(load("return 1", "=named", "b"))
print(type(load("error('inside')", "=mychunk")))
print(pcall(load("error('inside')", "=mychunk")))
print(pcall(load("error('inside')", "@file.lua")))
print(pcall(load("error('inside')", "some code")))
print(pcall(load("local x = \n\n nil + 1", "=lines")))
local sandbox = setmetatable({}, { __index = function(_, k) return "env:" .. k end })
print(load("return undefined_name", "s", "t", sandbox)())
local function with_env()
  local _ENV = { tostring = tostring }
  y = 10
  return tostring(y), _ENV.y
end
print(with_env())
print(y)
local dump_ok = pcall(string.dump, print)
print(dump_ok)
local code = string.dump(function(a) return a * 3 end)
print(load(code, "dumped", "b")(14))
print(load(code, "dumped", "t"))
local counter = 0
local chunk = load("counter_global = (counter_global or 0) + 1")
chunk(); chunk()
print(counter_global)
print(select(2, load("x =", "=eof")))
print(select(2, load("x = 'unfinished", "=str")))
print(select(2, load("x = [[long", "=long")))
print(select(2, load("--[[ comment", "=cmt")))
print(dofile == nil, type(loadstring))
