-- oop: classes with inheritance through __index chains, method calls, closures as
-- callbacks and accessors (dispatch and call overhead).
-- usage: oop.lua [n]   (default 10000000)
local n = tonumber(arg and arg[1]) or 10000000

local Shape = {}
Shape.__index = Shape
function Shape.new(name) return setmetatable({ name = name, moves = 0, x = 0, y = 0 }, Shape) end
function Shape:move(dx, dy) self.x = self.x + dx; self.y = self.y + dy; self.moves = self.moves + 1 end
function Shape:area() return 0 end
function Shape:describe() return self.name .. "@" .. self.x .. "," .. self.y end

local Rect = setmetatable({}, { __index = Shape })
Rect.__index = Rect
function Rect.new(w, h) local r = Shape.new("rect"); r.w, r.h = w, h; return setmetatable(r, Rect) end
function Rect:area() return self.w * self.h end

local Square = setmetatable({}, { __index = Rect })
Square.__index = Square
function Square.new(s) local r = Rect.new(s, s); r.name = "square"; return setmetatable(r, Square) end

local Circle = setmetatable({}, { __index = Shape })
Circle.__index = Circle
function Circle.new(r) local c = Shape.new("circle"); c.r = r; return setmetatable(c, Circle) end
function Circle:area() return 3 * self.r * self.r end

local function make_counter()
  local count = 0
  return { inc = function(k) count = count + k end, get = function() return count end }
end

local shapes = {}
for i = 1, 100 do
  local k = i % 3
  if k == 0 then shapes[i] = Rect.new(i % 7 + 1, i % 5 + 1)
  elseif k == 1 then shapes[i] = Square.new(i % 9 + 1)
  else shapes[i] = Circle.new(i % 4 + 1) end
end

local counter = make_counter()
local total = 0
for i = 1, n do
  local s = shapes[i % 100 + 1]
  s:move(1, -1)
  total = total + s:area()
  counter.inc(s.moves % 3)
end
print(string.format("oop: %d calls, total area %d, counter %d, %s", n, total, counter.get(), shapes[1]:describe()))
