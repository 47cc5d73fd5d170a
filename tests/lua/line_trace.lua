-- Line information of multi-line code, compared with lua5.4: for every snippet, the
-- sequence of lines a line hook sees while it runs, and the message (with its line) of
-- the error it raises. Part 1 runs hand-written snippets; part 2 generates
-- expressions split over lines in several ways and makes each operand in turn a bad
-- value, so that errors are thrown at every point of the expression.

local function trace(name, src, env)
  local f, err = load(src, "=" .. name, "t", env)
  if not f then
    print(name, "compile error", err)
    return
  end
  local lines = {}
  local source = "=" .. name
  debug.sethook(function(_, line)
    if debug.getinfo(2, "S").source == source then
      lines[#lines + 1] = line
    end
  end, "l")
  local ok, e = pcall(f)
  debug.sethook()
  print(name, table.concat(lines, " "), ok, ok and "" or tostring(e))
end

local function base_env()
  local env = {
    n1 = 1, n2 = 2, n3 = 3, s = "str", t = { x = 1, y = { z = 2 }, 10, 20 },
    print = function() end, pairs = pairs, ipairs = ipairs, error = error, select = select,
  }
  env.f = function(...) return select("#", ...) end
  env.g = function() return env.t end
  env.o = { m = function(self, a) return a or 1 end, v = 5 }
  return env
end

-- Part 1: statements and expressions split over lines.
local snippets = {
  -- calls with arguments over lines
  "f(n1,\n  n2,\n  n3\n)",
  "f(\n  n1\n  ,\n  n2)",
  "local x = f(n1,\n  t.x\n)\nreturn x",
  "f(n1, nil + 1,\n n2)",
  "f(n1,\n n2,\n nil .. n3\n)",
  "o\n:m(\n1)",
  "o:m(n1,\n nosuch.x)",
  "local a = o\n  :nosuch(1)",
  "f{\n n1,\n n2\n}",
  "f\n'str'",
  "g()\n.y\n.z = 3",
  "g().nosuch.z = 3",
  -- table constructors
  "local t = {\n  1,\n  2,\n  n1\n}",
  "local t = {\n  x = 1,\n  y = n2,\n  [n3] = 3\n}",
  "local t = {\n  f(1),\n  f(2)\n}",
  "local t = {\n  1, 2, 3, 4, 5, 6, 7, 8, 9, 10,\n" .. string.rep("  1,\n", 60) .. "}",
  "local t = {\n  nosuch.x,\n}",
  "local t = {\n  a = nosuch.x\n}",
  -- conditions
  "if n1\nthen\n  n2 = 1\nend",
  "if n1 >\n  n2\nthen\n  n2 = 1\nelseif n1\n  < n2 then\n  n3 = 2\nelse\n  n3 = 4\nend",
  "if n1 == 1 then\n  n2 = 1\nend",
  "if nosuch\n  < 1 then end",
  "if n1 and\n  n2 or\n  n3\nthen n1 = 0 end",
  "while n1 < 3 do\n  n1 = n1 + 1\nend",
  "while\n  n1 < 3\ndo\n  n1 = n1\n  + 1\nend",
  "repeat\n  n1 = n1 + 1\nuntil\n  n1 > 3",
  "repeat local x = n1\n  n1 = n1 + 1\nuntil x > 2",
  "for i = 1, 3 do\n  n1 = n1 + i\nend",
  "for i = n1,\n  n3,\n  1\ndo\n  n2 = i\nend",
  "for k, v in\n  pairs(t)\ndo\n  n1 = n1 + 1\nend",
  "for i = 1, 2 do\n  local c = {}\n  f(function() return c end)\nend",
  "for i = 1, nosuch do end",
  "for i = 1, 3 do\n  if i == 2 then break end\n  n1 = i\nend",
  "while true do\n  if n1 > 2 then\n    break\n  end\n  n1 = n1 + 1\nend",
  -- arithmetic and operators over lines
  "local x = t.x\n  + t[1]\n  * n2\nreturn x",
  "local x = t.x\n  + t.nosuch\nreturn x",
  "local x = n1 +\n  t.y.nosuch\nreturn x",
  "local x = t\n  .y\n  .nosuch\n  .z",
  "local x = t\n  [1]\n  [2]",
  "local x = -\n  t.nosuch",
  "local x = not\n  t.x",
  "local x = #\n  n1",
  "local x = s ..\n  n1 ..\n  t.nosuch",
  "local x = (\n  t.nosuch\n)",
  "local x = (t.x\n  )\n  + nil",
  "local x = n1 <\n  s",
  "local x = n1\n  ==\n  n2",
  "local x = t.x\n  and t.y\n  or t.nosuch",
  "local x = n1 //\n  0",
  "local x = n1 &\n  1.5",
  "local x = 2 ^\n  n2 ^\n  nosuch",
  -- assignments
  "local a, b = n1,\n  n2\na, b =\n  b, a",
  "t.x, t.y =\n  1,\n  2",
  "local a\na = t.nosuch.x",
  "nosuch.x =\n  1",
  "local a, b, c = f(1,\n  2)\nreturn a",
  "local a <const> = 1\nlocal b = a\n  + 1",
  "local x = ...\nreturn x",
  "local x = \n  ...",
  "local x\n  , y = 1",
  -- functions
  "local function h(a,\n  b)\n  return a\n    + b\nend\nreturn h(1, 2)",
  "local function h(a)\n  return a.x\nend\nreturn h({x = 1}), h(1)",
  "local h = function()\n  return\n    nosuch.x\nend\nh()",
  "function t.y.fn(a)\n  return a\nend\nt.y.fn(1)",
  "function o:m2()\n  return self.v\n    + 1\nend\nreturn o:m2()",
  "local function h()\nend\nh()\nh(\n)",
  "return f(\n  1,\n  2\n)",
  "return\n  n1,\n  n2",
  "do\n  local c = 1\n  f(function() return c end)\nend\nn1 = 2",
  "goto skip\nn1 = 2\n::skip::\nn2 = 3",
  "local i = 1\n::top::\ni = i + 1\nif i < 3 then goto top end",
  "error('boom')",
  "error(\n  'boom'\n)",
  "local x = t.x +\n  f(\n    n1,\n    nosuch.x\n  )",
  "local x <close> = nil\nn1 = 2",
}

for i, src in ipairs(snippets) do
  trace("s" .. i, src, base_env())
end

-- Part 2: generated expressions. `@` is an operand slot; every slot is tried as the
-- bad one (nil), the others being good.
local templates = {
  "@n + @n * @n",
  "@n * ( @n - @n ) / @n",
  "@t . x + @t . y . z",
  "@t [ 1 ] + @t [ 2 ]",
  "@f ( @n , @n ) + @n",
  "@o : m ( @n ) .. @s",
  "@s .. @n .. @s",
  "- @n + # @t",
  "@n < @n and @n > 2",
  "@n // @n % @n",
  "@n & @n | @n ~ @n",
  "@t . y [ @s ] . z",
  "{ @n , @n , x = @n }",
  "@f ( @t . x ) . z",
  "not @t . x . y",
}

-- How the tokens are joined: one line, a line per token, and breaks every 2 or 3.
local layouts = {
  function() return " " end,
  function() return "\n" end,
  function(i) return i % 2 == 0 and "\n" or " " end,
  function(i) return i % 3 == 0 and "\n" or " " end,
}

local good = {
  n = "n%d", t = "t", f = "f", o = "o", s = "s",
}

for ti, tpl in ipairs(templates) do
  local tokens = {}
  for tok in tpl:gmatch("%S+") do
    tokens[#tokens + 1] = tok
  end
  local nslots = 0
  for _, tok in ipairs(tokens) do
    if tok:sub(1, 1) == "@" then nslots = nslots + 1 end
  end
  for li, layout in ipairs(layouts) do
    for bad = 1, nslots do
      local parts, slot = {}, 0
      for k, tok in ipairs(tokens) do
        if tok:sub(1, 1) == "@" then
          slot = slot + 1
          local kind = tok:sub(2)
          tok = slot == bad and "bad" or good[kind]:format(slot % 3 + 1)
        end
        parts[#parts + 1] = tok
        parts[#parts + 1] = k < #tokens and layout(k) or ""
      end
      local src = "local r = " .. table.concat(parts) .. "\nreturn r"
      trace(("g%d.%d.%d"):format(ti, li, bad), src, base_env())
    end
  end
end
