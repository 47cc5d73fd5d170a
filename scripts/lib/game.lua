-- lib/game.lua: game-wide rules shared by main.lua and the levels: the level list,
-- loading levels, score, messages, death and victory. The state the HUD shows lives
-- in the GameState resource (Rust draws it), so it survives level switches and
-- reloads of this file.
local M = {}

M.levels = M.levels or {}

local function state()
  return world:resource("GameState")
end
M.state = state

-- main.lua names the levels in play order.
function M.setup(levels)
  M.levels = levels
  state().levels = #levels
end

-- Loads level i (1-based): the current level script is unloaded at the next frame
-- and levels[i] loaded.
function M.load(i)
  local path = M.levels[i]
  if path == nil then
    error("there is no level " .. tostring(i) .. " (main.lua lists " .. #M.levels .. ")")
  end
  local s = state()
  s.level = i
  send("LoadLevel", {path = path})
end

-- The goal was reached: the next level, or victory after the last one.
function M.next()
  local s = state()
  if s.level >= #M.levels then
    s.won = true
    M.say("You escaped with " .. s.score .. " points! Again, from the start...", 5)
    M.load(1)
  else
    M.load(s.level + 1)
  end
end

-- The player died: the level starts again; the score stays.
function M.died()
  local s = state()
  s.deaths = s.deaths + 1
  M.say("You were caught! Try again.", 3)
  M.load(s.level)
end

function M.add_score(n)
  local s = state()
  s.score = s.score + n
end

-- Shows a message on the HUD for `secs` seconds (default 2.5).
function M.say(text, secs)
  local s = state()
  s.message = text
  s.message_secs = secs or 2.5
end

-- Called every frame by main.lua: message timeout.
function M.tick(dt)
  local s = state()
  if s.message_secs > 0 then
    s.message_secs = s.message_secs - dt
    if s.message_secs <= 0 then
      s.message = ""
      s.message_secs = 0
    end
  end
end

return M
