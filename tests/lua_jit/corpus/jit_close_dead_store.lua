-- A block's closures capture its locals; CLOSE at the block's end moves their values into the
-- closed upvalues. A store into the second local just before CLOSE is read by CLOSE (it reads
-- every register from the block's first up), though a later local's store overwrites that
-- register before the trace leaves: dead-store removal must not drop it.
local fs = {}
for i = 1, 200 do
  do
    local a, b = i, i
    fs[i] = function() return a + b end
    b = 7
  end
  local c, d = 5, 6
end
local s = 0
for i = 1, 200 do s = s + fs[i]() end
print(s, fs[1](), fs[200]())

-- The same with a float store and three captured locals.
local gs = {}
for i = 1, 100 do
  do
    local x, y, z = i, i * 0.5, i
    gs[i] = function() return x + y + z end
    y = 0.25
    z = -1
  end
  local p, q, r = 1, 2, 3
end
local t = 0
for i = 1, 100 do t = t + gs[i]() end
print(t, gs[1](), gs[100]())
