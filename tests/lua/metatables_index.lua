-- __index: tables, functions, chains, rawget bypass, getmetatable and __metatable.
local base = { greet = function(self) return "hello from " .. self.name end, kind = "base" }
local mid = setmetatable({ kind = "mid" }, { __index = base })
local obj = setmetatable({ name = "obj" }, { __index = mid })
print(obj:greet(), obj.kind, rawget(obj, "kind"), obj.none)
local calls = 0
local lazy = setmetatable({}, { __index = function(t, k) calls = calls + 1; local v = k .. "!"; rawset(t, k, v); return v end })
print(lazy.a, lazy.a, lazy.b, calls)
print(getmetatable(obj) ~= nil, getmetatable({}), getmetatable("abc").__index == string)
local locked = setmetatable({}, { __metatable = "locked" })
print(getmetatable(locked))
print(pcall(setmetatable, locked, {}))
local chain = {}
local cur = chain
for i = 1, 50 do
  local nxt = {}
  setmetatable(cur, { __index = nxt })
  cur = nxt
end
cur.bottom = "found"
print(chain.bottom)
print(("x"):rep(3), ("%d"):format(7))
local num_index = setmetatable({}, { __index = function(_, k) return math.type(k) end })
print(num_index[1], num_index[1.5], num_index[2^53])
print(setmetatable({}, nil) ~= nil)
print(pcall(setmetatable, {}, 1))
print(pcall(setmetatable, 1, {}))
local defaults = setmetatable({}, { __index = setmetatable({ x = 1 }, { __index = function() return "fn" end }) })
print(defaults.x, defaults.y)
