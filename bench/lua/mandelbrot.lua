-- Mandelbrot set as a portable bitmap (P4) on standard output: float loops and bit packing.
-- usage: mandelbrot.lua SIZE
local size = tonumber(arg and arg[1]) or 200
local iterations = 50
local limit2 = 4.0

io.write("P4\n", size, " ", size, "\n")
local out = {}
for y = 0, size - 1 do
  local ci = 2.0 * y / size - 1.0
  local bits, nbits = 0, 0
  local row = {}
  for x = 0, size - 1 do
    local cr = 2.0 * x / size - 1.5
    local zr, zi, zr2, zi2 = 0.0, 0.0, 0.0, 0.0
    local inside = 1
    for _ = 1, iterations do
      zi = 2.0 * zr * zi + ci
      zr = zr2 - zi2 + cr
      zr2 = zr * zr
      zi2 = zi * zi
      if zr2 + zi2 > limit2 then
        inside = 0
        break
      end
    end
    bits = bits * 2 + inside
    nbits = nbits + 1
    if nbits == 8 then
      row[#row + 1] = string.char(bits)
      bits, nbits = 0, 0
    end
  end
  if nbits > 0 then
    row[#row + 1] = string.char(bits * 2 ^ (8 - nbits))
  end
  out[#out + 1] = table.concat(row)
end
io.write(table.concat(out))
