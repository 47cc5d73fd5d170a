-- Method call syntax: a.b.c:m(), string methods on literals, call forms f{} f"" and chaining.
local obj = { inner = { deep = { v = 3, get = function(self, k) return self.v * k end } } }
print(obj.inner.deep:get(2), obj.inner.deep.get(obj.inner.deep, 5))
print(("abc"):upper(), ("%d-%d"):format(1, 2), ("x"):rep(3, ","))
local s = "hello"
print(s:len(), s:sub(2, 3), s:byte(1), #s:upper())
local function f(t) return type(t), t[1] or t end
print(f{ 1, 2 }, f"str", f[[long]])
print(type{}, #"abc")
local builder = { parts = {} }
function builder:add(x) self.parts[#self.parts + 1] = x; return self end
function builder:build() return table.concat(self.parts, "+") end
print(builder:add(1):add(2):add(3):build())
local mt = { __index = { hello = function(self, who) return "hello " .. who .. " from " .. self.name end } }
local o = setmetatable({ name = "o" }, mt)
print(o:hello("you"))
print(pcall(function() local n = nil; return n:method() end))
print(string.format("%s", 1):rep(2))
local a = { b = { } }
function a.b.c(x) return x * 2 end
function a.b:d(x) return self == a.b, x end
print(a.b.c(21), a.b:d(1))
