-- an uncaught error's traceback (the text the CLI prints) through debug functions
local function inner()
  local t = nil
  return t.field
end
local function outer() inner() end
outer()
