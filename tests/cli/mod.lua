-- A module for `-l mod` in the CLI tests.
print("loading mod", ...)
return { value = "mod value" }
