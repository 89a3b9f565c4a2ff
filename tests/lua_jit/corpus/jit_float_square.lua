-- x * x of a float (the recorder's FSQ_F): one read of x, from the float cache when the uop
-- before left x there. Signed zeros, infinities, NaNs and a type change mid-loop.
local inputs = {1.5, -2.25, 0.0, -0.0, 1e200, -1e-200, 1/0, -1/0, 3.0, 0/0}
-- A NaN's sign depends on the machine (x86-64 makes -nan, AArch64 nan): print it as "nan".
local function show(v) return v ~= v and "nan" or string.format("%g", v) end
local out = {}
for i = 1, #inputs * 6 do
  local x = inputs[(i - 1) % #inputs + 1]
  local sq = x * x
  local y = x + 0.5
  local chained = y * y          -- y just computed: read from the cache
  out[#out + 1] = show(sq) .. " " .. show(chained) .. " " .. show(1 / (x * x))
end
print(table.concat(out, "\n", 1, #inputs))
print(out[#out - 3], out[#out])

-- A loop-carried square that turns into an integer square, then back.
local z, acc = 0.5, 0
for i = 1, 80 do
  z = z * z + 0.25
  if i == 50 then z = 3 end     -- an integer: z * z is integer arithmetic now
  if i == 60 then z = 0.75 end
  acc = acc + z
end
print(string.format("%.10f", acc), math.type(z))

-- mandelbrot's inner loop, whose squares feed each other
local inside = 0
for y = 0, 29 do
  for x = 0, 29 do
    local cr, ci = 2.0 * x / 30 - 1.5, 2.0 * y / 30 - 1.0
    local zr, zi, zr2, zi2 = 0.0, 0.0, 0.0, 0.0
    local escaped = false
    for _ = 1, 50 do
      zi = 2.0 * zr * zi + ci
      zr = zr2 - zi2 + cr
      zr2 = zr * zr
      zi2 = zi * zi
      if zr2 + zi2 > 4.0 then escaped = true break end
    end
    if not escaped then inside = inside + 1 end
  end
end
print("inside", inside)
