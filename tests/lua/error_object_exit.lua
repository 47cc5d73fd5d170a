-- An uncaught error whose value is a table with __tostring: lua prints its text, exits 1.
print("start")
local err = setmetatable({ code = 7 }, { __tostring = function(e) return "custom error object, code " .. e.code end })
error(err)
