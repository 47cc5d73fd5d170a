-- tostring of every basic type (addresses masked) and integer vs float forms.
print(tostring(nil), tostring(false), tostring(true))
print(tostring(0), tostring(-0), tostring(0.0), tostring(-0.0), tostring(1e100), tostring(-1e-100))
print(tostring(math.maxinteger), tostring(math.mininteger), tostring(2^63), tostring(1/0), tostring(-1/0))
print(tostring("string"), tostring(""), #tostring(12345))
local function kind(v) return (tostring(v):match("^(%a+): ")) end
print(kind({}), kind(print), kind(function() end), kind(coroutine.create(print)))
print(tostring(3) == "3", tostring(3.0) == "3.0", 3 .. "" == "3")
print(tostring(1e15), tostring(1e16), tostring(123456789012), tostring(0.1))
print(tostring(-(0/0)):match("nan") ~= nil, tostring(0/0):match("nan") ~= nil)
print(select("#", tostring(1)))
