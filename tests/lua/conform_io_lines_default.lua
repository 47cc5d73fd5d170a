-- io.lines() / io.lines(nil, ...) read the default input and do not close it at the
-- end of the loop (only a file opened by io.lines is the loop's to-be-closed value).
local file = os.tmpname()
local f = assert(io.open(file, "w"))
f:write("\n\nline\nother")
f:close()
io.input(file)
local s = ""
for l in io.lines(nil, "L") do s = s .. l end
print(string.format("%q", s))
print(io.type(io.input()))
io.input():seek("set")
print(select("#", io.lines()), select("#", io.lines(file)))
for l in io.lines() do io.write("[", l, "]") end
print()
print(io.type(io.input()))
io.input():close()
os.remove(file)
