-- Disk files buffer their writes like C stdio: setvbuf "full" (with a size), "line"
-- and "no"; close, flush, seek and reads of the same file write out what is pending.
local file = os.tmpname()
local f = assert(io.open(file, "w"))
local fr = assert(io.open(file, "r"))
print(f:setvbuf("full", 2000))
f:write("x")
print(#fr:read("a"))               -- still buffered
f:close()
fr:seek("set")
print(fr:read("a"))                -- close flushed it
f = assert(io.open(file, "w"))
print(f:setvbuf("no"))
f:write("y")
fr:seek("set")
print(fr:read("a"))                -- unbuffered: visible at once
f:close()
f = assert(io.open(file, "a"))
print(f:setvbuf("line"))
f:write("x")
fr:seek("set", 1)
print(#fr:read("a"))               -- no newline yet
f:write("a\n")
fr:seek("set", 1)
print(fr:read("a"))                -- a whole line
f:write("zz")
f:flush()
fr:seek("set", 1)
print(fr:read("a"))                -- flush writes it out
f:close()
f = assert(io.open(file, "w"))
f:write("abc")
print(f:seek("cur"), f:seek("set", 1))   -- seek flushes first
f:write("X")
f:close()
fr:seek("set")
print(fr:read("a"))
-- read and write through one "r+" handle
f = assert(io.open(file, "r+"))
f:write("12")
f:seek("set")
print(f:read("a"))
f:close()
-- writing to a read-only file fails at once
local a, b, c = fr:write("no")
print(a, type(b), type(c))
fr:close()
-- an unclosed file's writes reach the disk when the file is collected
do
  local g = assert(io.open(file, "w"))
  g:write("collected")
end
collectgarbage(); collectgarbage()
fr = assert(io.open(file))
print(fr:read("a"))
fr:close()
os.remove(file)
