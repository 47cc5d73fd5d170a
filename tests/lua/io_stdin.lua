-- Reading standard input when it is empty (the test runners give no input).
print(io.read("l"))
print(io.read("a"), #io.read("a"))
print(io.read("n"), io.read(0), io.read(5))
print(io.stdin:read("L"))
local n = 0
for line in io.lines() do n = n + 1 end
print("lines:", n)
print(io.type(io.stdin), io.stdin ~= io.stdout, io.input() == io.stdin, io.output() == io.stdout)
print("zero byte:", "a\0b", #"a\0b")
io.write("no newline at the very end")
