-- A module for require_module.lua that raises an error while loading.
error("module failed to load", 0)
