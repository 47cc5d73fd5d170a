-- mandelbrot: escape-time iteration over an n x n grid; prints a checksum of the bitmap.
-- usage: mandelbrot.lua [n]   (default 1600)
local n = tonumber(arg and arg[1]) or 1600
local iterations = 50
local limit2 = 4.0
local checksum, inside = 0, 0
for y = 0, n - 1 do
  local ci = 2.0 * y / n - 1.0
  local byte, bits = 0, 0
  for x = 0, n - 1 do
    local cr = 2.0 * x / n - 1.5
    local zr, zi, zr2, zi2 = 0.0, 0.0, 0.0, 0.0
    local escaped = false
    for _ = 1, iterations do
      zi = 2.0 * zr * zi + ci
      zr = zr2 - zi2 + cr
      zr2 = zr * zr
      zi2 = zi * zi
      if zr2 + zi2 > limit2 then escaped = true; break end
    end
    byte = byte * 2
    if not escaped then byte = byte + 1; inside = inside + 1 end
    bits = bits + 1
    if bits == 8 or x == n - 1 then
      while bits < 8 do byte = byte * 2; bits = bits + 1 end
      checksum = (checksum * 31 + byte) % 1000000007
      byte, bits = 0, 0
    end
  end
end
print(string.format("mandelbrot %dx%d: %d points inside, checksum %d", n, n, inside, checksum))
