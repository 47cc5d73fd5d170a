-- The # operator on sequences (tables with holes are avoided: their border is unspecified).
local t = {}
print(#t)
for i = 1, 10 do t[i] = i end
print(#t)
t[#t + 1] = 11
print(#t)
t[#t] = nil
print(#t)
for i = #t, 1, -1 do t[i] = nil end
print(#t)
local s = { "a", "b", "c", n = 5, x = 1 }
print(#s)
print(#"hello", #"", #"\0\0\0")
local grow = {}
for i = 1, 100 do grow[#grow + 1] = i end
print(#grow, grow[#grow])
local pre = { 1, 2, 3 }
pre[4] = 4
pre[5] = 5
print(#pre)
local h = {}
h[1] = 1; h[2] = 2; h[3] = 3
print(#h)
table.insert(h, 4)
table.remove(h, 1)
print(#h, h[1], h[3])
local fromctor = { n = 0, 10, 20, 30, 40 }
print(#fromctor)
print(rawlen({ 1, 2, 3 }), rawlen("four"))
