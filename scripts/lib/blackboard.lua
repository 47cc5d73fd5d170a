-- lib/blackboard.lua: per-entity data that does not fit a component (patrol routes,
-- who spawned whom), keyed by entity id. Levels write it when they spawn an enemy;
-- the enemy's script reads it. Data survives reloads of this file.
local M = {}

M.data = M.data or {}

function M.set(e, t)
  M.data[e:id()] = t
end

function M.get(e)
  return M.data[e:id()] or {}
end

function M.clear()
  M.data = {}
end

return M
