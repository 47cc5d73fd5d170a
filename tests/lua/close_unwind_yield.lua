-- __close handlers run while an error unwinds to a pcall inside a coroutine are
-- ordinary frames: they can yield, each gets the error so far, and an error raised by
-- one replaces it for the next handlers and for the pcall.
local function c(f) return setmetatable({}, {__close = f}) end
local co = coroutine.wrap(function ()
  local function foo(err)
    local z <close> = c(function (_, msg) coroutine.yield("z", msg); return 1, 2 end)
    local y <close> = c(function (_, msg)
      coroutine.yield("y", msg)
      if err then error(err + 20, 0) end
    end)
    local x <close> = c(function (_, msg) coroutine.yield("x", msg) end)
    if err == 10 then error(err, 0) else return 10, 20 end
  end
  coroutine.yield(pcall(foo, nil))
  coroutine.yield(pcall(foo, 1))
  coroutine.yield(pcall(foo, 10))
  -- xpcall: the message handler sees each error at its point
  coroutine.yield(xpcall(foo, function (m) return "h" .. tostring(m) end, 10))
  -- nested: a handler that itself unwinds a pcall with closes that yield
  local function inner()
    local a <close> = c(function (_, m) coroutine.yield("inner-a", m) end)
    error("in", 0)
  end
  local function outer()
    local b <close> = c(function (_, m)
      coroutine.yield("outer-b", m)
      coroutine.yield("inner pcall", pcall(inner))
    end)
    error("out", 0)
  end
  coroutine.yield(pcall(outer))
  -- a removed metamethod during unwinding
  local function rm()
    local k <close> = c(function () end)
    local j <close> = c(function (_, m) coroutine.yield("j", m) end)
    getmetatable(k).__close = nil
    error("e", 0)
  end
  coroutine.yield(pcall(rm))
  -- many results survive the closes of a return
  local function many()
    local w <close> = c(function () coroutine.yield("w") end)
    return table.unpack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22})
  end
  coroutine.yield(select("#", many()))
  return "end"
end)
for _ = 1, 40 do
  local r = table.pack(co())
  print(table.unpack(r, 1, r.n))
  if r[1] == "end" then break end
end
