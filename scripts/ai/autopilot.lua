-- ai/autopilot.lua: plays the game for `--autopilot` runs (demos and screenshots):
-- walks the shortest path on the level's grid to the nearest pickup, then to the
-- exit once it is open, and pulses when an enemy comes close. player.lua calls
-- drive() every frame when PlayerInput.scripted is set.
local level = require("lib.level")
local ai = require("lib.ai")

local M = {}

M.REPLAN = 0.3        -- seconds between path searches
M.DANGER = 70         -- pulses at enemies this close (pixels)

M.path = M.path or {}
M.planned_at = M.planned_at or -1

local DIRS = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}

-- Breadth-first search from (c0, r0) to the nearest tile for which is_target(c, r)
-- holds; returns the tiles to walk (without the start), or nil.
local function search(L, c0, r0, is_target)
  local W = L.w
  local function key(c, r)
    return (r - 1) * W + c
  end
  local start = key(c0, r0)
  local prev = {[start] = start}
  local queue, head = {{c0, r0}}, 1
  while head <= #queue do
    local c, r = queue[head][1], queue[head][2]
    head = head + 1
    if is_target(c, r) then
      local path, k = {}, key(c, r)
      while k ~= start do
        local cc = (k - 1) % W + 1
        table.insert(path, 1, {cc, (k - cc) // W + 1})
        k = prev[k]
      end
      return path
    end
    for _, d in ipairs(DIRS) do
      local nc, nr = c + d[1], r + d[2]
      if L:free(nc, nr) and prev[key(nc, nr)] == nil then
        prev[key(nc, nr)] = key(c, r)
        queue[#queue + 1] = {nc, nr}
      end
    end
  end
  return nil
end

local function plan(L, here)
  local c0, r0 = L:cell(here)
  local targets = {}
  for _, p in ipairs(L.pickups) do
    targets[p.col .. ":" .. p.row] = true
  end
  local path = next(targets) and search(L, c0, r0, function(c, r)
    return targets[c .. ":" .. r]
  end)
  if path == nil and L.goal_open and L.goal_tile then
    local g = L.goal_tile
    path = search(L, c0, r0, function(c, r)
      return c == g[1] and r == g[2]
    end)
  end
  return path or {}
end

-- Sets the input's axis and attack for the player entity `p`.
function M.drive(p, input)
  local L = level.current
  if L == nil or not L.ready then
    input.axis = vec2(0, 0)
    return
  end
  local here = ai.pos(p)
  local now = world:time()
  if M.level ~= L or now - M.planned_at > M.REPLAN then
    M.level = L
    M.path = plan(L, here)
    M.planned_at = now
  end
  local step = M.path[1]
  while step and (L:pos(step[1], step[2]) - here):length() < 6 do
    table.remove(M.path, 1)
    step = M.path[1]
  end
  if step then
    local d = L:pos(step[1], step[2]) - here
    input.axis = d:normalize()
  else
    input.axis = vec2(0, 0)
  end
  local attack = false
  for e in world:query({"Enemy", "Transform"}) do
    if (ai.pos(e) - here):length() < M.DANGER then
      attack = true
      break
    end
  end
  input.attack = attack
end

return M
