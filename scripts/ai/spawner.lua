-- ai/spawner.lua: a nest that never moves. Every EVERY seconds it hatches a drone
-- (scripts/ai/drone.lua) while fewer than MAX of its drones live; when hurt it
-- hatches faster.
local ai = require("lib.ai")
local fx = require("lib.fx")
local spawn = require("lib.spawn")

EVERY = 3.0          -- seconds between drones
HURT_EVERY = 1.5     -- ... once it has been hit
MAX = 3              -- drones alive at once

drones = drones or {}

function on_load()
  ai.stop(entity)
  brain = ai.brain(_ENV, "idle")
end

function on_reload()
  brain = ai.brain(_ENV, "idle", brain)
end

function idle()
  ai.state(entity, "idle")
  local h = entity.Health
  wait(h.hp < h.max and HURT_EVERY or EVERY)
  local alive = {}
  for _, d in ipairs(drones) do
    if d:alive() then
      alive[#alive + 1] = d
    end
  end
  drones = alive
  if #drones < MAX then
    return "hatch"
  end
end

function hatch()
  ai.state(entity, "spawn")
  local at = ai.pos(entity)
  fx.ring(at, 36, "#d6a2ff", 0.4)
  wait(0.4)
  drones[#drones + 1] = spawn.enemy("drone", ai.around(at, 20), {home = at})
  return "idle"
end
