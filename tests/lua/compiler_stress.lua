-- Generated code that stresses the compiler: many constants, long concat chains, many
-- parameters and upvalues, deep nesting, long elseif chains, big expressions.
local function run(name, src, ...)
  local f, err = load(src, "=" .. name)
  if not f then print(name, "compile error:", (err:match("^[^\n]*"))) return end
  print(name, pcall(f, ...))
end
local parts = {}
for i = 1, 300 do parts[i] = "'s" .. i .. "'" end
run("concat300", "return " .. table.concat(parts, " .. "))
parts = {}
for i = 1, 600 do parts[i] = "x + " .. (i + 0.5) end
run("constants600", "local x = 1; local t = {" .. table.concat(parts, ", ") .. "}; return #t, t[1], t[600]")
for _, count in ipairs({ 190, 240 }) do
  parts = {}
  for i = 1, count do parts[i] = "p" .. i end
  run("params" .. count, "local function f(" .. table.concat(parts, ", ") .. ", ...) return p1 + p" .. count ..
    ", select('#', ...) end return f(" .. table.concat(parts, ", "):gsub("p", "") .. ", 'extra')")
end
local decl, uses = {}, {}
for i = 1, 120 do decl[i] = "local u" .. i .. " = " .. i; uses[i] = "u" .. i end
run("upvalues120", table.concat(decl, "\n") .. "\nreturn (function() return " .. table.concat(uses, " + ") .. " end)()")
run("nest150", "return " .. string.rep("(", 150) .. "1" .. string.rep(")", 150))
run("nest300", "return " .. string.rep("(", 300) .. "1" .. string.rep(")", 300))
run("tables100", "return " .. string.rep("{", 100) .. string.rep("}", 100) .. " ~= nil")
parts = { "local x = ...\nif x == 0 then return 'zero'" }
for i = 1, 500 do parts[#parts + 1] = "elseif x == " .. i .. " then return 'v" .. i .. "'" end
parts[#parts + 1] = "else return 'other' end"
run("elseif500", table.concat(parts, "\n"), 377)
parts = {}
for i = 1, 200 do parts[i] = "(a * " .. i .. " - b // " .. (i % 7 + 1) .. ")" end
run("bigexpr", "local a, b = 3, 100; return " .. table.concat(parts, " + "))
run("longfor", "local s = 0 for i = 1, 10 do for j = 1, 10 do for k = 1, 10 do for l = 1, 10 do s = s + i * j - k + l end end end end return s")
local locals = {}
for i = 1, 199 do locals[i] = "local l" .. i .. " = " .. i end
run("locals199", table.concat(locals, "\n") .. "\nreturn l1 + l199")
parts = {}
for i = 1, 60 do parts[i] = "function() return " .. i .. " end" end
run("closures60", "local fs = {" .. table.concat(parts, ", ") .. "} local s = 0 for i = 1, #fs do s = s + fs[i]() end return s")
run("string_keys", "local t = {" .. string.rep("a = 1, ", 3) .. "} return t.a")
run("andor", "local a, b, c = nil, false, 0 return a or b or c, a and b and c, (a or 1) and (b or 2), not a and not b and c")
run("cmp_chain", "local x = 5 return x > 1 and x < 10 and x ~= 7 and x >= 5 and x <= 5 and x == 5")
run("multi_assign", "local a, b, c = 1, 2, 3; a, b, c = c, a, b; local t = {}; t.x, t.y = a, b; return a, b, c, t.x, t.y")
run("swap_fields", "local t = {1, 2}; t[1], t[2] = t[2], t[1]; return t[1], t[2]")
