-- Prints the arg table and the script's varargs (for the CLI tests). Negative indices
-- hold the interpreter and its options; the interpreter's path differs, so it is masked.
local keys = {}
for k in pairs(arg) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do
  local v = arg[k]
  if k == keys[1] and k < 0 then v = "(interpreter)" end
  print(k, v)
end
print("varargs", select("#", ...), ...)
