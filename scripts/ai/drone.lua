-- ai/drone.lua: small and short-lived. Drifts around its nest, darts at the player
-- when close, and fades away after LIFETIME seconds.
local ai = require("lib.ai")
local bb = require("lib.blackboard")
local fx = require("lib.fx")

SPEED = 70           -- drifting, pixels per second
DART_SPEED = 140     -- darting at the player
RANGE = 150          -- darts when the player is this close
LIFETIME = 14        -- seconds

function on_load()
  born = born or world:time()
  brain = ai.brain(_ENV, "drift")
end

function on_reload()
  brain = ai.brain(_ENV, "drift", brain)
end

local function too_old()
  return world:time() - (born or 0) > LIFETIME
end

function drift()
  ai.state(entity, "drift")
  if too_old() then
    return "fade"
  end
  local home = bb.get(entity).home or ai.pos(entity)
  local target = ai.around(home, 70)
  local deadline = world:time() + 1.2
  while world:time() < deadline do
    local _, dist = ai.to_player(entity)
    if dist < RANGE then
      return "dart"
    end
    if ai.move_towards(entity, target, SPEED) < 4 then
      break
    end
    wait_frames(1)
  end
  wait_frames(1)
end

function dart()
  ai.state(entity, "chase")
  local d, dist = ai.to_player(entity)
  if d == nil or dist > RANGE * 1.5 or too_old() then
    return "drift"
  end
  ai.go(entity, d, DART_SPEED)
  wait_frames(1)
end

function fade()
  ai.stop(entity)
  fx.ring(ai.pos(entity), 16, "#d6a2ff", 0.3)
  entity:despawn()
  wait_frames(1)
end
