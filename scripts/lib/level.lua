-- lib/level.lua: turns a level description (an ASCII map, enemies with their
-- routes, triggers) into entities, and runs the level's rules every frame: pickups,
-- contact damage, enemy deaths, player death, the goal, triggers.
--
-- A level script describes itself and hands the description to level.run:
--
--   local level = require("lib.level")
--   level.run(_ENV, {name = "...", map = {...}, enemies = {...}, triggers = {...}})
--
-- level.run defines the script's callbacks. When the file is edited, on_unload
-- removes the level's entities and returns where the player stood, what was picked
-- up and which triggers fired; the new description is built with that state, so
-- an edit shows at once without restarting the level.
--
-- Map legend: '#' wall, '.' floor, 'P' player start, 'G' goal, 'c' coin, 'h' heart.
-- Enemies are listed apart: {kind = "guard", at = {col, row}, route = {{col, row}, ...}}
-- with kinds guard, hunter, spawner, drone (scripts/ai/<kind>.lua). Columns and rows
-- count from 1 at the top left.
local game = require("lib.game")
local ai = require("lib.ai")
local fx = require("lib.fx")
local bb = require("lib.blackboard")
local spawn = require("lib.spawn")

local M = {}

M.TILE = 32

M.STYLE = {
  floor = "#161d2b",
  wall = "#3b4a6b",
  player = {size = 22, color = "#4fc3f7", hp = 5},
  coin = {kind = "diamond", size = 14, color = "#ffd54a", value = 10},
  heart = {kind = "circle", size = 14, color = "#ff5a6e", value = 1},
  goal = {size = 26, open = "#5cff8a", closed = "#35523f"},
}

-- The level object triggers receive (`L`): its description, entities and helpers.
local Level = {}
Level.__index = Level

-- World position (vec2) of tile (col, row); the map is centred on the origin.
function Level:pos(col, row)
  local T = M.TILE
  return vec2((col - 0.5) * T - self.w * T / 2, self.h * T / 2 - (row - 0.5) * T)
end

-- The tile (col, row) holding world position `p`.
function Level:cell(p)
  local T = M.TILE
  return math.floor((p.x + self.w * T / 2) / T) + 1, math.floor((self.h * T / 2 - p.y) / T) + 1
end

-- Whether tile (col, row) is inside the map and not a wall.
function Level:free(col, row)
  local line = self.desc.map[row]
  return line ~= nil and col >= 1 and col <= self.w and line:sub(col, col) ~= "#"
end

function Level:say(text, secs)
  game.say(text, secs)
end

function Level:open_goal()
  if self.goal and self.goal:alive() and not self.goal.Goal.open then
    self.goal.Goal.open = true
    self.goal.Shape.color = M.STYLE.goal.open
    fx.ring(ai.pos(self.goal), 60, "#5cff8a", 0.5)
  end
  self.goal_open = true
end

-- Spawns an enemy of `kind` at tile (col, row); `extra` goes to its blackboard
-- (route = {{col, row}, ...} for guards).
function Level:spawn_enemy(kind, col, row, extra)
  local at = self:pos(col, row)
  return self:spawn_enemy_at(kind, at, extra)
end

function Level:spawn_enemy_at(kind, at, extra)
  local data = {}
  for key, v in pairs(extra or {}) do
    data[key] = v
  end
  if data.route then
    local pts = {}
    for i, t in ipairs(data.route) do
      pts[i] = self:pos(t[1], t[2])
    end
    data.route = pts
  end
  return spawn.enemy(kind, at, data)
end

local function check_map(desc, file)
  local map = desc.map
  if type(map) ~= "table" or #map == 0 then
    error(file .. ": the level has no map", 0)
  end
  local w = #map[1]
  for r, row in ipairs(map) do
    if #row ~= w then
      error(string.format("%s: map row %d has %d columns, row 1 has %d", file, r, #row, w), 0)
    end
  end
  return w, #map
end

local function spawn_walls(L)
  local T = M.TILE
  for r, row in ipairs(L.desc.map) do
    local c = 1
    while c <= L.w do
      if row:sub(c, c) == "#" then
        local first = c
        while c + 1 <= L.w and row:sub(c + 1, c + 1) == "#" do
          c = c + 1
        end
        local a, b = L:pos(first, r), L:pos(c, r)
        local mid = (a + b) / 2
        world:spawn({
          Transform = {translation = vec3(mid.x, mid.y, 0)},
          Shape = {kind = "rect", size = vec2((c - first + 1) * T, T), color = M.STYLE.wall},
          Wall = {},
          LevelEntity = {},
        })
      end
      c = c + 1
    end
  end
end

local function spawn_pickup(L, kind, col, row)
  local key = kind .. ":" .. col .. ":" .. row
  if L.taken[key] then
    return
  end
  local s = M.STYLE[kind]
  local at = L:pos(col, row)
  local e = world:spawn({
    Transform = {translation = vec3(at.x, at.y, 1)},
    Shape = {kind = s.kind, size = vec2(s.size, s.size), color = s.color},
    Pickup = {kind = kind, value = s.value},
    LevelEntity = {},
  })
  L.pickups[#L.pickups + 1] = {e = e, key = key, kind = kind, at = at, value = s.value, col = col, row = row}
  if kind == "coin" then
    L.coins = L.coins + 1
  end
end

-- Builds the level; `state` (from a reload) restores the player and what was taken.
local function build(L, state)
  state = state or {}
  L.w, L.h = check_map(L.desc, L.file)
  L.taken = state.taken or {}
  L.fired = state.fired or {}
  L.pickups = {}
  L.coins = 0
  L.done = false
  L.dying = false
  local T = M.TILE
  world:spawn({
    Transform = {translation = vec3(0, 0, -1)},
    Shape = {kind = "rect", size = vec2(L.w * T, L.h * T), color = M.STYLE.floor},
    LevelEntity = {},
  })
  spawn_walls(L)
  local start
  for r, row in ipairs(L.desc.map) do
    for c = 1, L.w do
      local ch = row:sub(c, c)
      if ch == "P" then
        start = L:pos(c, r)
      elseif ch == "c" then
        spawn_pickup(L, "coin", c, r)
      elseif ch == "h" then
        spawn_pickup(L, "heart", c, r)
      elseif ch == "G" then
        L.goal_tile = {c, r}
        local at = L:pos(c, r)
        local open = not L.desc.goal_needs_coins or state.goal_open or false
        local g = M.STYLE.goal
        L.goal = world:spawn({
          Transform = {translation = vec3(at.x, at.y, 1)},
          Shape = {kind = "rect", size = vec2(g.size, g.size), color = open and g.open or g.closed},
          Goal = {open = open},
          LevelEntity = {},
        })
        L.goal_open = open
      end
    end
  end
  if start == nil then
    error(L.file .. ": the map has no player start 'P'", 0)
  end
  local p = state.player_pos or start
  local ps = M.STYLE.player
  local hp = state.hp or ps.hp
  L.player = world:spawn({
    Transform = {translation = vec3(p.x, p.y, 3)},
    Shape = {kind = "circle", size = vec2(ps.size, ps.size), color = ps.color},
    Player = {invulnerable = state.hp and 0 or 1.0},
    Health = {hp = hp, max = ps.hp},
    Velocity = {},
    LevelEntity = {},
    Script = "player.lua",
  })
  for _, d in ipairs(L.desc.enemies or {}) do
    L:spawn_enemy(d.kind, d.at[1], d.at[2], d)
  end
  local s = game.state()
  s.level_name = L.desc.name or L.file
  s.coins_left = L.coins
  s.hp = hp
  s.max_hp = ps.hp
  L.ready = true
  M.current = L
end

-- Removes the level's entities; returns what a rebuild needs to continue.
local function teardown(L)
  local state = {taken = L.taken, fired = L.fired, goal_open = L.goal_open}
  if L.player and L.player:alive() then
    state.player_pos = ai.pos(L.player)
    state.hp = L.player.Health.hp
  end
  for e in world:query({"LevelEntity"}) do
    e:despawn()
  end
  bb.clear()
  L.ready = false
  if M.current == L then
    M.current = nil
  end
  return state
end

local function near(a, b, r)
  return (a - b):length() < r
end

local function update(L, dt)
  if not L.ready or L.done or L.dying then
    return
  end
  local player = L.player
  if player == nil or not player:alive() then
    return
  end
  local pp = ai.pos(player)
  local s = game.state()
  -- Pickups.
  for i = #L.pickups, 1, -1 do
    local p = L.pickups[i]
    if near(pp, p.at, 20) then
      table.remove(L.pickups, i)
      L.taken[p.key] = true
      if p.e:alive() then
        p.e:despawn()
      end
      if p.kind == "coin" then
        game.add_score(p.value)
        L.coins = L.coins - 1
        s.coins_left = L.coins
        fx.ring(p.at, 22, "#ffd54a", 0.2)
      elseif p.kind == "heart" then
        local h = player.Health
        h.hp = math.min(h.max, h.hp + p.value)
        fx.ring(p.at, 22, "#ff5a6e", 0.2)
      end
    end
  end
  -- Enemies: deaths and contact damage.
  local pl = player.Player
  for e in world:query({"Enemy", "Health", "Transform"}) do
    local en = e.Enemy
    if e.Health.hp <= 0 then
      local k = spawn.ENEMY[en.kind]
      game.add_score(k and k.points or 10)
      fx.ring(ai.pos(e), 30, "#ffffff", 0.3)
      e:despawn()
    elseif pl.invulnerable <= 0 then
      local reach = e.Shape.size.x / 2 + 10
      if near(pp, ai.pos(e), reach) then
        local h = player.Health
        h.hp = h.hp - en.damage
        pl.invulnerable = 1.2
        fx.ring(pp, 34, "#ff3b3b", 0.3)
      end
    end
  end
  local hp = player.Health.hp
  s.hp = hp
  if hp <= 0 and not L.dying then
    L.dying = true
    game.died()
    return
  end
  -- The goal.
  if not L.goal_open and L.desc.goal_needs_coins and L.coins == 0 then
    L:open_goal()
    L:say("All coins found: the exit is open!", 3)
  end
  if L.goal_open and L.goal and near(pp, ai.pos(L.goal), 24) then
    L.done = true
    if L.desc.on_goal then
      L.desc.on_goal(L)
    else
      game.next()
    end
    return
  end
  -- Triggers: {at = {col, row}, radius = tiles, once = true, run = function(L) end}
  -- or {when = function(L) return bool end, run = ...}.
  for i, t in ipairs(L.desc.triggers or {}) do
    if not L.fired[i] then
      local hit
      if t.at then
        hit = near(pp, L:pos(t.at[1], t.at[2]), (t.radius or 1) * M.TILE)
      elseif t.when then
        hit = t.when(L)
      end
      if hit then
        if t.once ~= false then
          L.fired[i] = true
        end
        t.run(L)
      end
    end
  end
end

-- Installs the level's callbacks in the level script's environment `env`.
function M.run(env, desc)
  local file = desc.file or "level"
  local L = setmetatable({desc = desc, file = file, taken = {}, fired = {}, pickups = {}}, Level)
  function env.on_load()
    build(L, nil)
    game.say("Level " .. game.state().level .. ": " .. (desc.name or file), 2.5)
  end
  function env.on_update(dt)
    update(L, dt)
  end
  function env.on_unload()
    return teardown(L)
  end
  function env.on_reload(state)
    build(L, state)
  end
  return L
end

return M
