-- levels/crypt.lua: level 2. A nest of drones guards the middle, guards sweep
-- the corridors, and the exit stays locked until every coin is taken.
local level = require("lib.level")

level.run(_ENV, {
  file = "levels/crypt.lua",
  name = "The Crypt",
  goal_needs_coins = true,
  map = {
    "########################",
    "#P.........#..........G#",
    "#..........#...........#",
    "#...####...#...####....#",
    "#...#c.....c.....c#....#",
    "#...#..............#...#",
    "#......##......##......#",
    "#c.....#.h....h.#.....c#",
    "#......##......##......#",
    "#...#..............#...#",
    "#...#c.....c.....c#....#",
    "#...####...#...####....#",
    "#..........#...........#",
    "#c.........#..........c#",
    "########################",
  },
  enemies = {
    {kind = "spawner", at = {12, 8}},
    {kind = "guard", at = {2, 13}, route = {{2, 13}, {10, 13}, {10, 10}, {6, 10}, {10, 10}, {10, 13}}},
    {kind = "guard", at = {23, 3}, route = {{23, 3}, {23, 13}, {14, 13}, {14, 3}}},
    {kind = "hunter", at = {21, 8}},
  },
  triggers = {
    {at = {12, 6}, radius = 1, run = function(L)
      L:say("The nest stirs...", 2)
    end},
    {when = function(L) return L.coins <= 3 end, run = function(L)
      L:say("Only a few coins left!", 2)
    end},
  },
})
