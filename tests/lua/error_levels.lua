-- error(msg, level): which function's position the message names.
local function lvl(level) error("at level " .. tostring(level), level) end
local function caller(level) lvl(level) end
for _, level in ipairs({ 0, 1, 2, 3 }) do
  print(pcall(caller, level))
end
local function checkarg(x)
  if type(x) ~= "number" then error("number expected", 2) end
  return x
end
local function user() return checkarg("nope") end
print(pcall(user))
print(pcall(function() error("level 1 in anon") end))
print(pcall(error, "direct level 1", 1))
print(pcall(error, "direct level 2", 2))
local ok, e = pcall(function() assert(false) end)
print(ok, e)
print(pcall(function() assert(nil, "custom assert") end))
print(select(2, pcall(function() assert(false, { 1 }) end))[1])
print(select("#", assert(1, 2, 3)), assert("v", "m"))
print(pcall(assert))
