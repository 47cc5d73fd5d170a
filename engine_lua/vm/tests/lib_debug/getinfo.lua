-- debug.getinfo: every field, levels, functions, threads, options.
local function isort(t)
  for i = 2, #t do
    local v, j = t[i], i - 1
    while j >= 1 and t[j] > v do t[j + 1] = t[j]; j = j - 1 end
    t[j + 1] = v
  end
end
local function join(t)
  local s = ""
  for i = 1, #t do s = s .. (i > 1 and " " or "") .. tostring(t[i]) end
  return s
end
local function keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  isort(ks)
  return ks
end
local function show(t)
  if t == nil then print("nil") return end
  for _, k in ipairs(keys(t)) do
    local v = t[k]
    if type(v) == "function" or type(v) == "table" then v = type(v) end
    print("", k, v)
  end
end
local function f(a, b, ...)
  local x = 1
  show(debug.getinfo(1, "Slnut"))
  show(debug.getinfo(2, "Sln"))
  return x
end
f(1, 2)
local obj = {}
function obj:method() show(debug.getinfo(1, "n")) end
obj:method()
obj.field = function() show(debug.getinfo(1, "n")) end
obj.field()
show(debug.getinfo(print))
show(debug.getinfo(f, "SLu"))
show(debug.getinfo(1, "S"))
show(debug.getinfo(0, "Sn"))
print(debug.getinfo(100))
print(debug.getinfo(-1))
print(pcall(debug.getinfo, 1, "X"))
print(pcall(debug.getinfo, 100, "X"))
print(pcall(debug.getinfo, print, ">S"))
print(pcall(debug.getinfo, {}))
print(pcall(debug.getinfo))
print(debug.getinfo(1, "f").func == nil, debug.getinfo(print, "f").func == print)
local function tailee() return debug.getinfo(1, "t").istailcall, debug.getinfo(1, "n").namewhat end
local function tailer() return tailee() end
print(tailer())
print((tailee()))
local lines = debug.getinfo(f, "L").activelines
local ls = {}
for l in pairs(lines) do ls[#ls + 1] = l end
isort(ls)
print(join(ls))
local mainlines = debug.getinfo(1, "L").activelines
print(mainlines[1], mainlines[2], mainlines[23])
local co = coroutine.create(function() local zz = 5; coroutine.yield() end)
coroutine.resume(co)
show(debug.getinfo(co, 0, "Sln"))
show(debug.getinfo(co, 1, "Sl"))
print(debug.getinfo(co, 2))
for i, what in ipairs{"S", "l", "u", "n", "t", "f", "L", "r"} do
  print(what, #keys(debug.getinfo(1, what)))
end
local mt = setmetatable({}, {__add = function() show(debug.getinfo(1, "n")) return 0 end,
  __index = function() show(debug.getinfo(1, "n")) return 0 end})
local _ = mt + 1
_ = mt.foo
for _ in function() show(debug.getinfo(1, "n")) end do end
show(debug.getinfo(load("return debug.getinfo(1, 'S')"), "S"))
show(load("return debug.getinfo(1, 'S')", "=mychunk")())
show(load("\n\nreturn debug.getinfo(1, 'Sl')", "some code here")())
show(load("return debug.getinfo(1, 'S')", "")())
