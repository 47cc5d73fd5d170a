-- A module for require_module.lua that returns nothing.
noreturn_ran = true
