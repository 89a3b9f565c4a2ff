-- Floats a loop carries from one iteration to the next (kept in registers by the JIT for the
-- whole loop), with whatever can change their slots behind the loop's back: calls, side paths
-- that write them, a value that turns into an integer, more carried values than registers.
local function fmt(x) return string.format("%.17g", x) end

-- Five carried values: more than there are registers for them.
local a, b, c, d, e = 0.5, 0.25, 0.125, 1.0, 2.0
for i = 1, 200 do
  a = a * 0.5 + b
  b = b * 0.75 + c
  c = c * 0.5 + d * 0.001
  d = d * 0.99 + e * 0.01
  e = e - a * 0.001
end
print("five", fmt(a), fmt(b), fmt(c), fmt(d), fmt(e))

-- A library call in the loop (a helper call inside the trace), and a Lua function call.
local function damp(v) return v * 0.9 end
local x, y = 1.0, 0.0
for i = 1, 300 do
  x = x + math.sin(y) * 0.01
  y = y + x * 0.001
  x = damp(x) + 0.1
end
print("calls", fmt(x), fmt(y))

-- The same with enough reads of the carried values that they stay in registers across the
-- call, which may clobber those registers: they are reloaded after it.
local u1, u2, u3 = 1.0, 0.5, 0.0
for i = 1, 300 do
  u3 = u3 + math.sin(u2) * 0.5
  u1 = u1 * 0.99 + u2 * 0.01 + u3 * 0.001
  u2 = u2 * 0.98 + u1 * 0.02 + u3 * 0.0001
  u3 = u3 * 0.5 + u1 * u2
end
print("calls2", fmt(u1), fmt(u2), fmt(u3))

-- Written before the call and read after it, and at the top of the next iteration.
local r1, r2 = 0.75, 0.5
for i = 1, 300 do
  r1 = r1 * 0.5 + r2
  local sn = math.sin(r1)
  r2 = r2 * 0.9 + sn * 0.01 + r1 * 0.001
end
print("calls3", fmt(r1), fmt(r2))

-- A side path writes the carried value every third iteration.
local s, t = 0.0, 1.0
for i = 1, 400 do
  s = s + t * 0.5
  if i % 3 == 0 then s = s * 0.25 end
  t = t * 1.001
end
print("side", fmt(s), fmt(t))

-- The carried value becomes an integer part of the way, then a float again.
local v, w = 1.5, 0.0
for i = 1, 300 do
  w = w + v
  if i == 150 then v = 3 else v = v * 1.01 end
end
print("int", fmt(v), fmt(w), math.type(v))

-- An inner loop carrying floats inside an outer one that changes them between runs.
local zr, zi, count = 0.0, 0.0, 0
for y0 = -10, 10 do
  local ci = y0 / 10
  for x0 = -20, 5 do
    local cr = x0 / 10
    zr, zi = 0.0, 0.0
    local zr2, zi2 = 0.0, 0.0
    local n = 0
    for _ = 1, 60 do
      zi = 2.0 * zr * zi + ci
      zr = zr2 - zi2 + cr
      zr2 = zr * zr
      zi2 = zi * zi
      n = n + 1
      if zr2 + zi2 > 4.0 then break end
    end
    count = count + n
  end
end
print("inner", count, fmt(zr), fmt(zi))

-- Accumulating table values, with the table written in the same loop.
local tab = {}
for i = 1, 100 do tab[i] = i * 0.5 end
local acc, prev = 0.0, 1.0
for i = 1, 100 do
  acc = acc + tab[i] * prev
  prev = prev * 0.97
  tab[i] = acc
end
print("table", fmt(acc), fmt(prev), fmt(tab[50]))

-- Globals and upvalues written in the loop next to the carried locals.
G = 0.0
local up = 0.0
local function bump() up = up + 0.5 end
local p, q = 0.1, 0.2
for i = 1, 200 do
  p = p + q * 0.01
  G = G + p
  bump()
  q = q - p * 0.001 + up * 0.0001
end
print("globals", fmt(p), fmt(q), fmt(G), fmt(up))

-- Comparisons between two carried values.
local lo, hi, steps = 0.0, 100.0, 0
while lo < hi do
  lo = lo + 1.25
  hi = hi - 0.75
  steps = steps + 1
end
print("compare", steps, fmt(lo), fmt(hi))
