-- The string metatable: methods through __index, arithmetic coercion metamethods.
local mt = getmetatable("")
print(type(mt), mt.__index == string, type(mt.__add), type(mt.__unm), type(mt.__idiv))
print(("10") + 1, "10" - "4", "3" * "4", "2" ^ "3", "7" // "2", "7" % "3", -"5", "9" / "3")
print(math.type("10" + 1), math.type("10" + 1.0), math.type("1e1" * 1))
print(pcall(function() return "a" + 1 end))
print(pcall(function() return {} + "1" end))
string.custom_method = function(s) return "custom:" .. s end
print(("x"):custom_method())
string.custom_method = nil
print(pcall(function() return ("x"):custom_method() end))
print(#"len", ("abc"):len(), ("a,b"):find(",", 1, true))
