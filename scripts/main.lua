-- main.lua: the game. Loaded first (a level script with no entity); it lists the
-- levels and starts the first one. Edit LEVELS while playing: the list changes at
-- once (the level now running stays until the next switch).
local game = require("lib.game")

LEVELS = {
  "levels/courtyard.lua",
  "levels/crypt.lua",
}

game.setup(LEVELS)

function on_load()
  game.say("Collect the coins, reach the green exit. Space pulses.", 4)
  game.load(1)
end

function on_update(dt)
  game.tick(dt)
end
