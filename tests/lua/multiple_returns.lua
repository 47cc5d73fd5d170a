-- Multiple results: truncation, expansion at the end of lists, parentheses.
local function three() return 1, 2, 3 end
local function none() end
print(three())
print(three(), 10)
print((three()))
print(#{three()}, #{(three())}, #{three(), 4})
local t = {three(), three()}
print(#t, t[1], t[2], t[4])
local a, b, c, d = three()
print(a, b, c, d)
a, b, c, d = 0, three()
print(a, b, c, d)
print(none())
print(select("#", none()))
print(select("#", (none())))
local function wrap(...) return select("#", ...), ... end
print(wrap(three()))
print(wrap(none(), none()))
local x, y = none()
print(x, y)
local function ret_call() return three() end
print(ret_call())
local function ret_paren() return (three()) end
print(ret_paren())
print(math.max(three()), string.format("%d-%d-%d", three()))
local s = {n = 0}
local function add(...) for i = 1, select("#", ...) do s.n = s.n + 1 end end
add(three(), three())
print(s.n)
