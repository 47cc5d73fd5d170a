-- Tracebacks through the facade are tested in Rust; here: error levels and names.
local function lvl3() error("deep", 2) end
local function lvl2() lvl3() end
print(pcall(lvl2))
print(pcall(error, "lvl1", 1))
print(pcall(error, "lvl2", 2))
local function so(n) return 1 + so(n + 1) end
print(pcall(so, 1))
local t = {}
function t.f() local x = nil; return x.y end
print(pcall(t.f))
print(select(2, pcall(function() local s = "a" .. {} end)))
local up = nil
print(select(2, pcall(function() up() end)))
print(select(2, pcall(function() t:nomethod() end)))
print(select(2, pcall(function() local a = {} ; a.b.c = 1 end)))
print(select(2, pcall(function() return nil .. "x" end)))
print(select(2, pcall(function() for x in nil do end end)))
print(select(2, pcall(function() local a <close> = {} end)))
