-- An error crossing a native call (gsub or sort callbacks, a load reader) inside a
-- coroutine leaves the callback's to-be-closed variables to the protected call that
-- catches it, as the reference: their handlers can yield and see the pcall as caller;
-- a native that catches the error itself closes them at once.
local function c(f) return setmetatable({}, {__close = f}) end
local co = coroutine.wrap(function ()
  local ok, m = pcall(string.gsub, "a", "a", function ()
    local x <close> = c(function (_, e) coroutine.yield("in x", e) end)
    error("cb", 0)
  end)
  return "end", ok, m
end)
print(co()); print(co())
-- sort comparator
co = coroutine.wrap(function ()
  local ok, m = pcall(table.sort, {3, 2, 1}, function ()
    local x <close> = c(function (_, e) coroutine.yield("in sort x", e) end)
    error("cmp", 0)
  end)
  return "end", ok, m
end)
print(co()); print(co())
-- a native that catches the error itself (error in __gc-like settings is hard; use
-- load + a reader function that errors: load catches reader errors)
local co = coroutine.wrap(function ()
  local r = {pcall(function ()
    local f, m = load(function ()
      local x <close> = c(function (_, e) print("x closed with", e) end)
      error("reader", 0)
    end)
    print("load returned", f, m)
    local y <close> = c(function (_, e) print("y closed with", e) end)
    error("after", 0)
  end)}
  return table.unpack(r)
end)
print(co())
-- same on the main thread
print(pcall(function ()
  local f, m = load(function ()
    local x <close> = c(function (_, e) print("main x closed with", e) end)
    error("reader2", 0)
  end)
  print("load returned", f, m)
end))
-- a native swallowing then raising another error
co = coroutine.wrap(function ()
  return pcall(function ()
    local f, m = load(function ()
      local x <close> = c(function (_, e) print("x2 closed with", e) end)
      error("r3", 0)
    end)
    error("new:" .. m, 0)
  end)
end)
print(co())
-- debug.getinfo(2) in a handler left for the pcall
co = coroutine.wrap(function ()
  return pcall(table.sort, {1, 2, 3}, function ()
    local x <close> = c(function () print("caller", debug.getinfo(2, "n").name) end)
    error("cmp", 0)
  end)
end)
print(co())
