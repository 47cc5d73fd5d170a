-- lib/ai.lua: helpers for enemy brains (scripts/ai/*.lua). Positions are vec2 in
-- pixels; `e` is an entity handle.
local M = {}

-- The entity's position as a vec2.
function M.pos(e)
  local t = e.Transform.translation
  return vec2(t.x, t.y)
end

-- The player's entity, or nil (between levels, or after death).
function M.player()
  for p in world:query({"Player", "Transform"}) do
    return p
  end
  return nil
end

-- Vector from e to the player and its length (nil when there is no player).
function M.to_player(e)
  local p = M.player()
  if p == nil then
    return nil, math.huge
  end
  local d = M.pos(p) - M.pos(e)
  return d, d:length()
end

-- Sets e's velocity toward `target` at `speed`; returns the distance left.
function M.move_towards(e, target, speed)
  local d = target - M.pos(e)
  local len = d:length()
  if len < 1 then
    M.stop(e)
    return len
  end
  M.go(e, d, speed)
  return len
end

-- Moves along direction `dir` (any length) at `speed`.
function M.go(e, dir, speed)
  e.Velocity.linear = dir:normalize() * speed
  e.Enemy.speed = speed
end

function M.stop(e)
  e.Velocity.linear = vec2(0, 0)
  e.Enemy.speed = 0
end

-- Shown by the overlay colours and in the debugger.
function M.state(e, s)
  if e.Enemy.state ~= s then
    e.Enemy.state = s
  end
end

-- Whether the entity was hurt since the last call with this memory table.
function M.hurt(e, mem)
  local hp = e.Health.hp
  local was = mem.hp or hp
  mem.hp = hp
  return hp < was
end

-- A random point within `r` pixels of `at`.
function M.around(at, r)
  local a = math.random() * 2 * math.pi
  local d = math.random() * r
  return at + vec2(math.cos(a) * d, math.sin(a) * d)
end

-- Runs a brain as a coroutine owned by the calling script: `env[env.mode]()` once
-- per beat. A state function does one beat (it must wait: a frame, or longer) and
-- returns the next state's name, or nil to stay. On a change, `env["enter_" .. name]`
-- runs first when it exists. States are looked up by name every beat, so editing a
-- state function changes the enemy at its next beat. Pass the previous brain's id
-- (from on_reload) to replace it: a brain that died of an error starts again once the
-- script is fixed. A failing state stops the enemy and ends the brain with the
-- error.
function M.brain(env, first, old)
  if old then
    stop(old)
  end
  env.mode = env.mode or first
  return start(function()
    while true do
      local f = env[env.mode]
      if type(f) ~= "function" then
        error("no state function '" .. tostring(env.mode) .. "'")
      end
      local ok, nxt = pcall(f)
      if not ok then
        -- The brain dies with its error (shown in the debugger and the HUD); the
        -- enemy stands still until the script is fixed.
        if env.entity:alive() then
          M.stop(env.entity)
        end
        error(nxt, 0)
      end
      if nxt and nxt ~= env.mode then
        env.mode = nxt
        local enter = env["enter_" .. nxt]
        if enter then
          enter()
        end
      end
    end
  end)
end

return M
