-- _G and _ENV: globals live in _ENV, local _ENV redirects, setting fields of _G.
print(_G._G == _G, _ENV == _G, type(_G))
x_global = 1
print(_G.x_global, _ENV.x_global, rawget(_G, "x_global"))
_G.y_global = 2
print(y_global)
do
  local _ENV = { print = print }
  z = 3
  print(z, x_global)
end
print(z, rawget(_G, "z"))
local function sandboxed()
  local _ENV = setmetatable({}, { __index = _G })
  newvar = "in sandbox"
  return newvar, _G.newvar
end
print(sandboxed())
local names = {}
for k in pairs(_G) do if type(k) == "string" and k:match("^[xyz]_global$") then names[#names + 1] = k end end
table.sort(names)
print(table.concat(names, ","))
local std = { "assert", "collectgarbage", "coroutine", "debug", "dofile", "error", "getmetatable", "io",
  "ipairs", "load", "loadfile", "math", "next", "os", "package", "pairs", "pcall", "print", "rawequal",
  "rawget", "rawlen", "rawset", "require", "select", "setmetatable", "string", "table", "tonumber",
  "tostring", "type", "utf8", "warn", "xpcall", "_VERSION" }
local missing = {}
for _, n in ipairs(std) do if _G[n] == nil then missing[#missing + 1] = n end end
print("missing globals:", #missing, table.concat(missing, " "))
print(_VERSION)
setmetatable(_G, { __index = function(_, k) return "default:" .. k end })
print(undefined_thing)
setmetatable(_G, nil)
print(undefined_thing)
