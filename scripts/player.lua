-- player.lua: the player's avatar. Rust feeds the keys into the PlayerInput
-- resource; this script turns them into movement and the pulse attack.
local ai = require("lib.ai")
local fx = require("lib.fx")
local autopilot = require("ai.autopilot")

SPEED = 170            -- pixels per second
PULSE_RADIUS = 90      -- pixels
PULSE_DAMAGE = 1
PULSE_COOLDOWN = 0.6   -- seconds

function on_update(dt)
  local input = world:resource("PlayerInput")
  if input.scripted then
    autopilot.drive(entity, input)
  end
  local axis = input.axis
  entity.Velocity.linear = axis:normalize() * SPEED
  local p = entity.Player
  if p.invulnerable > 0 then
    p.invulnerable = math.max(0, p.invulnerable - dt)
  end
  if p.cooldown > 0 then
    p.cooldown = math.max(0, p.cooldown - dt)
  elseif input.attack then
    pulse()
  end
end

-- Hurts every enemy within PULSE_RADIUS and pushes it away.
function pulse()
  entity.Player.cooldown = PULSE_COOLDOWN
  local at = ai.pos(entity)
  fx.ring(at, PULSE_RADIUS, "#80e0ff", 0.25)
  for e in world:query({"Enemy", "Health", "Transform"}) do
    local d = ai.pos(e) - at
    if d:length() < PULSE_RADIUS then
      e.Health.hp = e.Health.hp - PULSE_DAMAGE
    end
  end
end
