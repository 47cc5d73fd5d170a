-- ai/guard.lua: walks its patrol route, pausing at each waypoint; chases the player
-- on sight and gives up when the player gets away; when hurt it flees for a while,
-- then goes back to its route.
local ai = require("lib.ai")
local bb = require("lib.blackboard")

SPEED = 60                  -- patrol speed, pixels per second
CHASE_SPEED = SPEED * 1.5
FLEE_SPEED = SPEED * 2.2
SIGHT = 130                 -- starts chasing within this distance (pixels)
LOSE_SIGHT = 230            -- gives up beyond this distance
FLEE_TIME = 1.6             -- seconds
PAUSE = 0.5                 -- seconds at each waypoint

memory = memory or {}
waypoint = waypoint or 1

function on_load()
  brain = ai.brain(_ENV, "patrol")
end

function on_reload()
  brain = ai.brain(_ENV, "patrol", brain)
end

-- One beat of patrolling: a frame's walk toward the waypoint, or a pause at it.
function patrol()
  ai.state(entity, "patrol")
  if ai.hurt(entity, memory) then
    return "flee"
  end
  local _, dist = ai.to_player(entity)
  if dist < SIGHT then
    return "chase"
  end
  local route = bb.get(entity).route or {bb.get(entity).home or ai.pos(entity)}
  waypoint = math.min(waypoint, #route)
  if ai.move_towards(entity, route[waypoint], SPEED) < 4 then
    ai.stop(entity)
    waypoint = waypoint % #route + 1
    wait(PAUSE)
  else
    wait_frames(1)
  end
end

function chase()
  ai.state(entity, "chase")
  if ai.hurt(entity, memory) then
    return "flee"
  end
  local d, dist = ai.to_player(entity)
  if d == nil or dist > LOSE_SIGHT then
    ai.stop(entity)
    wait(0.6)
    return "patrol"
  end
  ai.go(entity, d, CHASE_SPEED)
  wait_frames(1)
end

function enter_flee()
  flee_until = world:time() + FLEE_TIME
end

function flee()
  ai.state(entity, "flee")
  ai.hurt(entity, memory)
  local d = ai.to_player(entity)
  if d ~= nil then
    ai.go(entity, -d, FLEE_SPEED)
  end
  wait_frames(1)
  if world:time() >= (flee_until or 0) then
    return "patrol"
  end
end
