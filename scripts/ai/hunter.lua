-- ai/hunter.lua: sleeps until the player comes near (or it is hit), hunts fast,
-- and when badly hurt runs away to recover one hit point before hunting again.
local ai = require("lib.ai")

SPEED = 105          -- pixels per second
WAKE = 150           -- wakes when the player is this close (pixels)
FORGET = 330         -- goes back to sleep beyond this distance
RECOVER_AT = 1       -- runs away at this many hit points or fewer
RECOVER_TIME = 3.0   -- seconds to heal one point

memory = memory or {}

function on_load()
  brain = ai.brain(_ENV, "sleep")
end

function on_reload()
  brain = ai.brain(_ENV, "sleep", brain)
end

function sleep()
  ai.state(entity, "sleep")
  ai.stop(entity)
  wait_until(function()
    local _, dist = ai.to_player(entity)
    return dist < WAKE or ai.hurt(entity, memory)
  end)
  return "alert"
end

-- A moment of surprise before the hunt (the overlay turns yellow).
function alert()
  ai.state(entity, "alert")
  ai.stop(entity)
  wait(0.4)
  return "hunt"
end

function hunt()
  ai.state(entity, "chase")
  ai.hurt(entity, memory)
  if entity.Health.hp <= RECOVER_AT then
    return "recover"
  end
  local d, dist = ai.to_player(entity)
  if d == nil or dist > FORGET then
    return "sleep"
  end
  ai.go(entity, d, SPEED)
  wait_frames(1)
end

function enter_recover()
  recover_until = world:time() + RECOVER_TIME
end

function recover()
  ai.state(entity, "flee")
  local d = ai.to_player(entity)
  if d ~= nil then
    ai.go(entity, -d, SPEED * 0.8)
  end
  wait_frames(1)
  if world:time() >= (recover_until or 0) then
    local h = entity.Health
    h.hp = math.min(h.max, h.hp + 1)
    memory.hp = h.hp
    return "hunt"
  end
end
