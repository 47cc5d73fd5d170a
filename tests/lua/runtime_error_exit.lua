-- An uncaught runtime error: message and traceback on stderr, exit status 1.
print("before the error")
local function inner(t)
  return t.field.subfield
end
local function outer()
  return inner({})
end
outer()
print("never printed")
