-- A script whose error has a traceback through two functions (for the CLI tests).
local function inner() error("failure in inner") end
local function outer() inner() end
outer()
