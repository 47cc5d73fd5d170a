-- lib/fx.lua: visual effects made of Halo entities animated by coroutines (the
-- calling script owns the coroutine).
local M = {}

-- A ring growing from 0 to `radius` pixels over `secs` seconds at `at` (vec2), then
-- gone.
function M.ring(at, radius, color, secs)
  secs = secs or 0.25
  local ring = world:spawn({
    Transform = {translation = vec3(at.x, at.y, 5)},
    Halo = {radius = 0, color = color},
    LevelEntity = {},
  })
  start(function()
    local t = 0
    while t < secs do
      wait_frames(1)
      if not ring:alive() then return end
      t = t + world:resource("Time").delta_secs
      ring.Halo.radius = radius * math.min(1, t / secs)
    end
    ring:despawn()
  end)
end

return M
