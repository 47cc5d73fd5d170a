-- A coroutine that dies with an error: coroutine.wrap closes its pending
-- variables (handlers get the error and may replace it); coroutine.close passes
-- them the error too; a suspended coroutine's handlers get nil and cannot yield.
local function c(f) return setmetatable({}, {__close = f}) end
local log = {}
local co = coroutine.wrap(function ()
  local a <close> = c(function (_, e) log[#log + 1] = "a:" .. tostring(e) end)
  do
    local b <close> = c(function (_, e) log[#log + 1] = "b:" .. tostring(e) end)
    coroutine.yield(1)
  end
  coroutine.yield(2)
  error(23)
end)
print(co(), co(), pcall(co))
print(table.concat(log, " "))

co = coroutine.wrap(function ()
  local xx <close> = c(function (_, msg) error("@YYY:" .. tostring(msg), 0) end)
  local xv <close> = c(function () error("@XXX", 0) end)
  coroutine.yield(100)
  error(200)
end)
print(co())
print(pcall(co))
print(pcall(co))

local cr = coroutine.create(function ()
  local v <close> = c(function (_, e) print("closing v with", type(e), e.code) end)
  error({code = 7})
end)
local ok, e = coroutine.resume(cr)
print(ok, type(e), e.code, coroutine.status(cr))
local ok2, e2 = coroutine.close(cr)
print(ok2, e2 == e, coroutine.status(cr))
print(coroutine.close(cr))

cr = coroutine.create(function ()
  local v <close> = c(function (_, e) print("suspended close", e); error("hv", 0) end)
  local w <close> = c(function (_, e) print("w", e) end)
  coroutine.yield()
end)
coroutine.resume(cr)
print(coroutine.close(cr))

cr = coroutine.create(function ()
  local v <close> = c(function () coroutine.yield("no") end)
  coroutine.yield()
end)
coroutine.resume(cr)
local okc, m = coroutine.close(cr)
print(okc, (tostring(m):gsub("^.-:%d+: ", "")))

-- a handler run by wrap's close resumes the dying coroutine: it is already dead
local w
w = coroutine.wrap(function ()
  local x <close> = c(function () print("inner", pcall(w)) end)
  error(111)
end)
print(pcall(w))
print(pcall(w))
