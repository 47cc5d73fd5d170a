-- A module for require_module.lua: counts how often its body runs.
loads = (loads or 0) + 1
local M = { name = ..., loads = loads }
function M.inc(x) return x + 1 end
return M
