-- loadfile skips a UTF-8 byte-order mark and then a first line starting with '#'
-- (keeping line numbers), also before a binary chunk.
local file = os.tmpname()
local function try(s)
  local f = assert(io.open(file, "wb"))
  f:write(s)
  f:close()
  local fn, err = loadfile(file)
  if fn then print(pcall(fn)) else print(fn, (err:gsub("^[^:]*:", "FILE:"))) end
end
try("")
try("# a non-ending comment")
try("\xEF\xBB\xBF# some comment\nreturn 234")
try("\xEF\xBB\xBFreturn 239")
try("\xEF\xBB\xBF")
try("# a comment\nreturn require'debug'.getinfo(1).currentline")
try("\xEF\xBB\xBF# comment\n\nreturn require'debug'.getinfo(1).currentline")
try("\xEF\xBBreturn 1")
try("#!/usr/bin/lua\n" .. string.dump(function () return 10, "\0alo\255", "hi" end))
try("\xEF\xBB\xBF" .. string.dump(function () return "bin" end))
os.remove(file)
