-- require, package.loaded, package.preload, searchers and their messages.
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do
    t[i] = tostring(t[i])
  end
  print(table.concat(t, "\t", 1, t.n))
end
package.path = DIR .. "/mods/?.lua;" .. DIR .. "/mods/?/init.lua"
package.cpath = DIR .. "/mods/?.so"
local m, where = require("simple")
show(m.name, where)
show(require("simple") == m, select("#", require("simple")))
show(package.loaded.simple == m)
local p, d = require("pkg")
show(p.value, d)
show(require("pkg.sub").value)
show(require("noreturn"), package.loaded.noreturn, NORETURN_RAN)
show(require("setsloaded"))
show(pcall(require, "nosuch"))
show(pcall(require, "no.such"))
show(pcall(require, "syntaxerr"))
show(pcall(require, "errors"))
show(package.loaded.errors)
show(require("traced"))
package.preload.pre = function(...) show("preload args", ...) return {pre = true} end
show(require("pre").pre)
show(select("#", require("pre")))
package.preload.pre2 = function(...) return nil end
show(require("pre2"))
show(package.searchpath("pkg.sub", package.path))
show(package.searchpath("a.b.c", "x/?.lua;y/?/z.lua;;q"))
show(package.searchpath("a.b.c", "?.lua", "", "_"))
show(package.searchpath("a.b.c", "?.lua", ".", "_"))
show(package.searchpath("a..b", "?.x", "..", "#"))
show(pcall(package.searchpath))
show(pcall(package.searchpath, "x"))
show(pcall(require))
show(pcall(require, {}))
show(package.config)
show(type(package.cpath), type(package.path), #package.searchers)
show(package.loaded.package == package, package.loaded._G == _G, package.loaded.string == string)
show(debug.getregistry()._PRELOAD == package.preload, debug.getregistry()._LOADED == package.loaded)
table.insert(package.searchers, 2, function(name)
  if name == "virtual" then
    return function(n, x) return "virtual:" .. n .. ":" .. tostring(x) end, 42
  end
  return "custom searcher says no"
end)
table.insert(package.searchers, 3, function() return nil end)
table.insert(package.searchers, 4, function() return 12 end)
show(require("virtual"))
show(pcall(require, "nothing"))
package.path = {}
show(pcall(require, "nothing2"))
package.searchers = nil
show(pcall(require, "zzz"))
show(require("simple") == m)
