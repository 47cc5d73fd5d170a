-- lib/spawn.lua: the enemy kinds (looks, health, damage, points) and how to spawn
-- one. Levels and spawners both use it. Change a kind here while playing: enemies
-- spawned from then on (and every enemy, after a level edit) use the new values.
local bb = require("lib.blackboard")

local M = {}

M.ENEMY = {
  guard = {shape = "circle", size = 22, color = "#ff9f43", hp = 2, damage = 1, points = 25},
  hunter = {shape = "diamond", size = 26, color = "#ff4757", hp = 3, damage = 2, points = 50},
  spawner = {shape = "rect", size = 30, color = "#a55eea", hp = 4, damage = 1, points = 100},
  drone = {shape = "circle", size = 12, color = "#d6a2ff", hp = 1, damage = 1, points = 5},
}

-- Spawns an enemy of `kind` at `at` (vec2) running scripts/ai/<kind>.lua; `data`
-- (routes as vec2 lists, a home, ...) goes to its blackboard.
function M.enemy(kind, at, data)
  local k = M.ENEMY[kind]
  if k == nil then
    error("unknown enemy kind '" .. tostring(kind) .. "' (guard, hunter, spawner, drone)", 2)
  end
  local e = world:spawn({
    Transform = {translation = vec3(at.x, at.y, 2)},
    Shape = {kind = k.shape, size = vec2(k.size, k.size), color = k.color},
    Enemy = {kind = kind, state = "idle", damage = k.damage},
    Health = {hp = k.hp, max = k.hp},
    Velocity = {},
    LevelEntity = {},
    Script = "ai/" .. kind .. ".lua",
  })
  data = data or {}
  data.home = data.home or at
  bb.set(e, data)
  return e
end

return M
