-- Line information of calls whose arguments start on a later line than the called
-- expression (5.4.7: the call belongs to the line of its `(`, string or table
-- argument; Debian's 5.4.4 used the line where the expression starts, so these are
-- checked against 5.4.7's output instead of differentially). As in
-- tests/lua/line_trace.lua: the lines a line hook sees and the error raised.

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

local snippets = {
  "o\n:m(\n1)",
  "local a = o\n  :nosuch(1)",
  "f\n'str'",
  "f\n{n1}",
  "nosuch\n(\n1\n)",
  "nosuch\n'str'",
  "nosuch\n{}",
  "t\n.x\n(\n)",
  "o\n:\nnosuch\n(\n1)",
  "o\n:\nm\n{}",
  "local x = f\n(1)\n(2)",
  "local x = g\n()\n.y\n.z\n(1)",
  "local h = function() error('lvl2', 2) end\nh\n(\n)",
  "for k in\n  pairs\n  (t)\ndo\n  n1 = k\nend",
}
for i, src in ipairs(snippets) do
  trace("c" .. i, src, base_env())
end

-- Generated expressions with calls, every operand slot tried as the bad (nil) one.
local templates = {
  "@f ( @n , @n ) + @n",
  "@o : m ( @n ) .. @s",
  "@f ( @t . x ) . z",
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
      trace(("gc%d.%d.%d"):format(ti, li, bad), src, base_env())
    end
  end
end
