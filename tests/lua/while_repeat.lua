-- while and repeat loops: conditions, break, repeat's scope reaching into until.
local i = 0
while i < 5 do i = i + 1 end
print(i)
local n = 10
repeat n = n - 3 until n < 0
print(n)
local k = 0
repeat
  local done = k >= 3
  k = k + 1
until done
print(k)
local out = {}
local j = 0
while true do
  j = j + 1
  if j % 2 == 0 then goto continue end
  if j > 9 then break end
  out[#out + 1] = j
  ::continue::
end
print(table.concat(out, " "))
local total = 0
for a = 1, 3 do
  local b = 0
  while true do
    b = b + 1
    if b > a then break end
    total = total + a * b
  end
end
print(total)
local m = 0
repeat m = m + 1 if m == 100 then break end until false
print(m)
local x = 1
while x < 1000 do x = x * 2 end
print(x)
