-- require: package.path search, caching in package.loaded, the name argument, errors.
package.path = "./modules/?.lua;" .. package.path
local c1 = require("counter")
local c2 = require("counter")
print(c1 == c2, c1.name, c1.loads, loads, c1.inc(41))
print(package.loaded.counter == c1, type(package.loaded), type(package.preload), type(package.searchers))
print(require("noreturn"), noreturn_ran, package.loaded.noreturn)
print(pcall(require, "fails"))
print(package.loaded.fails)
local ok, err = pcall(require, "no_such_module_xyz")
print(ok, (err:match("^[^\n]*")))
package.preload.virtual = function(name, extra) return { from = "preload", name = name, extra = extra } end
local v = require("virtual")
print(v.from, v.name, v.extra)
package.loaded.fake = "already there"
print(require("fake"))
print(type(package.searchpath), package.config:sub(1, 1))
print(package.searchpath("counter", "./modules/?.lua"))
print(select(2, package.searchpath("nothere", "./x/?.lua;./y/?.so")))
print(require("string") == string, require("math") == math, package.loaded._G == _G)
