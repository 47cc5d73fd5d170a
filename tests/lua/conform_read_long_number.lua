-- io.read("n") reads at most 200 characters of a numeral; a longer one fails and the
-- rest of it stays in the stream.
local name = os.tmpname()
local f = assert(io.open(name, "w"))
f:write("12 ", string.rep("0", 300), "\n", string.rep("1", 200), " x\n",
        string.rep("2", 199), ".5 y\n")
f:close()
f = assert(io.open(name))
print(f:read("n"))
print(f:read("n"))
local rest = f:read("L")
print(#rest, rest:match("^0*\n$") ~= nil)
print(f:read("n"))
print(f:read("L"))
print(f:read("n"))
print(f:read("L"))
f:close()
os.remove(name)
