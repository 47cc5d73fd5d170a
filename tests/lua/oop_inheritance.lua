-- Class-style OOP: constructors, inheritance, super calls, overriding, class methods.
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) return setmetatable({ name = name, sound = sound }, Animal) end
function Animal:speak() return self.name .. " says " .. self.sound end
function Animal:kind() return "animal" end

local Dog = setmetatable({}, { __index = Animal })
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name, "woof"); d.tricks = {}; return setmetatable(d, Dog) end
function Dog:kind() return "dog, an " .. Animal.kind(self) end
function Dog:learn(trick) self.tricks[#self.tricks + 1] = trick; return self end
function Dog:show() return self.name .. " knows " .. table.concat(self.tricks, ", ") end

local d = Dog.new("Rex")
print(d:speak(), d:kind())
print(d:learn("sit"):learn("roll"):show())
print(getmetatable(d) == Dog, getmetatable(Dog).__index == Animal, rawget(Dog, "speak"))
local a = Animal.new("Cat", "meow")
print(a:speak(), a:kind(), a.learn)
local Counter = { count = 0 }
Counter.__index = Counter
function Counter.create() Counter.count = Counter.count + 1; return setmetatable({ id = Counter.count }, Counter) end
local c1, c2, c3 = Counter.create(), Counter.create(), Counter.create()
print(c1.id, c2.id, c3.id, c3.count, rawget(c3, "count"))
local Stack = {}
Stack.__index = Stack
Stack.__len = function(s) return #s.items end
Stack.__tostring = function(s) return "Stack(" .. table.concat(s.items, ",") .. ")" end
function Stack.new() return setmetatable({ items = {} }, Stack) end
function Stack:push(...) for _, v in ipairs({ ... }) do self.items[#self.items + 1] = v end return self end
function Stack:pop() return table.remove(self.items) end
local s = Stack.new():push(1, 2, 3)
print(#s, tostring(s), s:pop(), #s, tostring(s))
