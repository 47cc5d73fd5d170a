-- many to-be-closed variables closed by error unwinding inside coroutines, with
-- yields, errors replacing errors, and garbage created by every handler
local function c(f) return setmetatable({}, {__close = f}) end
local function nest(n, log)
  if n == 0 then error({depth = 0}) end
  local v <close> = c(function (_, e)
    local junk = {}
    for i = 1, 10 do junk[i] = tostring(i) .. "x" end
    if n % 3 == 0 then coroutine.yield(n) end
    if n % 5 == 0 then error({depth = n, prev = e}) end
    log[#log + 1] = n .. ":" .. (type(e) == "table" and e.depth or tostring(e))
  end)
  return nest(n - 1, log) + 0
end
local total = 0
for round = 1, 20 do
  local log = {}
  local co = coroutine.wrap(function ()
    local ok, e = pcall(nest, 40 + round, log)
    return "done", ok, e.depth
  end)
  local ys = 0
  while true do
    local a, b, c2 = co()
    if a == "done" then
      total = total + ys
      if round == 20 then print(b, c2, ys, #log, log[1], log[#log]) end
      break
    end
    ys = ys + 1
  end
end
print(total)
