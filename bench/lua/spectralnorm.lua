-- Spectral norm of the infinite matrix A(i,j) = 1/((i+j)(i+j+1)/2+i+1) by power iteration:
-- float loops over arrays. usage: spectralnorm.lua N
local n = tonumber(arg and arg[1]) or 100

local function a(i, j)
  local ij = i + j - 1
  return 1.0 / (ij * (ij - 1) * 0.5 + i)
end

local function mul_av(x, y, size)
  for i = 1, size do
    local s = 0
    for j = 1, size do s = s + a(i, j) * x[j] end
    y[i] = s
  end
end

local function mul_atv(x, y, size)
  for i = 1, size do
    local s = 0
    for j = 1, size do s = s + a(j, i) * x[j] end
    y[i] = s
  end
end

local function mul_atav(x, y, t, size)
  mul_av(x, t, size)
  mul_atv(t, y, size)
end

local u, v, t = {}, {}, {}
for i = 1, n do u[i] = 1 end
for _ = 1, 10 do
  mul_atav(u, v, t, n)
  mul_atav(v, u, t, n)
end
local vbv, vv = 0, 0
for i = 1, n do
  local ui, vi = u[i], v[i]
  vbv = vbv + ui * vi
  vv = vv + vi * vi
end
print(string.format("%0.9f", math.sqrt(vbv / vv)))
