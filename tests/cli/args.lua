-- Prints the arg table and the script's varargs (for the CLI tests).
local keys = {}
for k in pairs(arg) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do
  local v = arg[k]
  if k < 0 then v = "(interpreter or option)" end
  if k == -1 or k < 0 then v = tostring(v) end
  print(k, k >= 0 and arg[k] or v)
end
print("varargs", select("#", ...), ...)
