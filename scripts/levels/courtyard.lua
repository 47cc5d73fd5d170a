-- levels/courtyard.lua: level 1. Guards walk the yard, a hunter sleeps by the
-- heart, and stepping into the east hall wakes an ambush. The exit is open from the
-- start. Edit the map or the enemies while playing: the level rebuilds around the
-- player at once.
local level = require("lib.level")

level.run(_ENV, {
  file = "levels/courtyard.lua",
  name = "The Courtyard",
  map = {
    "########################",
    "#P.....#...............#",
    "#......#....c.....c....#",
    "#..c...#...............#",
    "#......#....######.....#",
    "#...........#....#.....#",
    "#.....c.....#.h..#..c..#",
    "#...........#....#.....#",
    "#######.....###.##.....#",
    "#......................#",
    "#..c......c.........c..#",
    "#.......##.##..........#",
    "#.......#...#......c...#",
    "#...c...#.G.#..........#",
    "########################",
  },
  enemies = {
    {kind = "guard", at = {3, 10}, route = {{3, 10}, {21, 10}, {21, 13}, {14, 13}, {14, 10}}},
    {kind = "guard", at = {9, 2}, route = {{9, 2}, {22, 2}, {22, 7}, {19, 7}, {19, 2}}},
    {kind = "hunter", at = {16, 7}},
  },
  triggers = {
    {at = {20, 5}, radius = 1.5, run = function(L)
      L:say("Ambush!", 2)
      L:spawn_enemy("hunter", 22, 2)
      L:spawn_enemy("guard", 22, 8, {route = {{22, 8}, {19, 8}}})
    end},
  },
})
