-- A syntax error in the main script: message on stderr, exit status 1, nothing runs.
print("never printed")
local x = = 1
