-- __gc finalizers: run on collection, in reverse order of marking, resurrection, at exit.
local log = {}
local function obj(name) return setmetatable({ name = name }, { __gc = function(o) log[#log + 1] = o.name end }) end
do
  obj("a"); obj("b"); obj("c")
end
collectgarbage()
print(table.concat(log, " "))
log = {}
local saved
do
  setmetatable({ name = "phoenix" }, { __gc = function(o) saved = o; log[#log + 1] = "resurrect " .. o.name end })
end
collectgarbage()
print(table.concat(log, " "), saved and saved.name)
saved = nil
collectgarbage()
print(#log)
local t = {}
setmetatable(t, {})
getmetatable(t).__gc = function() print("never: __gc added after setmetatable") end
t = nil
collectgarbage()
print("still running", collectgarbage("isrunning"))
local exit_obj = setmetatable({}, { __gc = function() print("finalizer at exit") end })
local err_obj = setmetatable({}, { __gc = function() error("error in __gc") end })
err_obj = nil
collectgarbage()
print("after error in __gc")
collectgarbage("generational")   -- whatever mode the interpreter started in
print(collectgarbage("step", 0) ~= nil, collectgarbage("incremental"))
print("end of script")
