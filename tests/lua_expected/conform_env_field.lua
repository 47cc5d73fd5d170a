-- Only the upvalue or a local variable named _ENV makes a "global" in messages;
-- a field called _ENV does not (5.4.7's isEnv; Debian's 5.4.4 says "global 'x'").
print(pcall(load("a = {_ENV = {}}; return a._ENV.x + 1")))
print(pcall(load("local a = {_ENV = {}}; return a._ENV.x + 1")))
print(pcall(load("local _ENV = {}; return x + 1")))
print(pcall(load("return x + 1")))
print(pcall(load("local t = {}; return t.x.y")))
a = nil
