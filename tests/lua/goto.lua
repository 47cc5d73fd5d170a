-- goto and labels: continue idiom, backward jumps, nested loops, closures in goto loops.
for i = 1, 3 do
  for j = 1, 3 do
    if j == 2 then goto next_j end
    if i == 3 then goto done end
    io.write(i, j, " ")
    ::next_j::
  end
end
::done::
print()
local n = 0
::top::
n = n + 1
if n < 5 then goto top end
print(n)
local fs = {}
do
  local k = 1
  ::again::
  local captured = k
  fs[#fs + 1] = function() return captured end
  k = k + 1
  if k <= 3 then goto again end
end
print(fs[1](), fs[2](), fs[3]())
do
  goto skip
  print("not printed")
  ::skip::
end
print(load("goto nowhere") == nil, select(2, load("goto nowhere")))
print(select(2, load("do local x ::l:: end goto l")))
print(select(2, load("::a:: ::a::")))
print(select(2, load("goto f; local x; ::f:: print(x)")))
