-- Run through LUA_INIT=@init.lua in the CLI tests.
print("init file ran")
init_value = 42
