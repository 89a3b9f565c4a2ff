-- Upvalues never assigned after their declaration ("fixed"), which a trace that knows the
-- closure reads as constants, next to upvalues that look alike but change, closures made more
-- than once, and closures collected while traces hold their addresses.

-- Named integer and float constants, as in a linear congruential generator.
local IM, IA, IC = 139968, 3877, 29573
local SCALE = 0.5
local last = 42
local function random(max)
  last = (last * IA + IC) % IM
  return max * last / IM * SCALE
end
do
  local s = 0
  for _ = 1, 300 do s = s + random(100.0) end
  print("lcg", string.format("%.6f", s), last)
end

-- A constant on the left, in a temporary on either side, of each kind.
local TWO, HALF, NAME, YES, NOTHING = 2, 0.5, "up", true, nil
local function mix(n)
  local acc, parts = 0, 0
  for i = 1, n do
    acc = acc + TWO * i + i * HALF - (TWO - i) + i // TWO + i % TWO
    if YES and NOTHING == nil then parts = parts + #NAME end
  end
  return acc, parts
end
print("mix", mix(200))

-- A fixed upvalue holding zero: the modulo's error is the interpreter's.
local ZERO = 0
local function modzero(n)
  local s = 0
  for i = 1, n do
    if i < n then s = s + i else s = s + i % ZERO end
  end
  return s
end
do
  local ok, err = pcall(modzero, 100)
  print("modzero", ok, (string.match(err, "attempt.*")))
end

-- Assigned from another closure, or after the closure was made: not fixed.
local count = 0
local function bump() count = count + 1 end
local later = 1
local function get_later() return later end
do
  local s = 0
  for i = 1, 300 do
    bump()
    s = s + count + get_later()
    if i == 150 then later = 100 end
  end
  print("changing", s, count, later)
end

-- One prototype, many closures: each keeps its own value.
local function make(k) return function(x) return x * k + k end end
do
  local fs = {}
  for k = 1, 5 do fs[k] = make(k) end
  local s = 0
  for i = 1, 400 do s = s + fs[i % 5 + 1](i) end
  print("factory", s)
end

-- Loop variables captured by closures: one per iteration.
do
  local fs = {}
  for i = 1, 10 do fs[i] = function() return i * i end end
  local s = 0
  for j = 1, 500 do s = s + fs[j % 10 + 1]() end
  print("loop vars", s)
  local ws, n = {}, 0
  while n < 8 do
    n = n + 1
    local m = n * 3
    ws[n] = function() return m end
  end
  s = 0
  for j = 1, 400 do s = s + ws[j % 8 + 1]() end
  print("while locals", s)
end

-- A goto back over a captured local's declaration: each pass declares a new variable.
do
  local gs, pass = {}, 0
  ::again::
  local v = pass * 7
  gs[#gs + 1] = function() return v end
  pass = pass + 1
  if pass < 6 then goto again end
  local s = 0
  for j = 1, 300 do s = s + gs[j % 6 + 1]() end
  print("goto locals", s)
end

-- Recursion through the function's own name, an upvalue of an upvalue, a table upvalue.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib", fib(20))
local DEPTH = 3
local function outer()
  local function inner(x) return x + DEPTH end
  local s = 0
  for i = 1, 300 do s = s + inner(i) end
  return s
end
print("nested", outer())
local T = {10, 20, 30}
local function tsum(n)
  local s = 0
  for i = 1, n do s = s + T[i % 3 + 1] end
  T[1] = T[1] + 1  -- the table changes, the upvalue does not
  return s
end
print("table", tsum(300), tsum(300))

-- A constant operand the trace never writes to its register: exits inside the operation
-- (its other operand changes type) resume where the interpreter loads the constant.
local K, KF = 3, 0.25
local function typed(vals)
  local s, f = 0, 0
  for i = 1, #vals do
    s = s + vals[i] * K
    f = f + KF * vals[i] - K
  end
  return s, f
end
do
  local vals = {}
  for i = 1, 300 do vals[i] = i < 150 and i or (i < 250 and i + 0.5 or tostring(i)) end
  print("types", typed(vals))
  for i = 1, 300 do vals[i] = (i % 7 == 0) and i + 0.25 or i end
  print("mixed", typed(vals))
end
-- The same, with the constant's register holding a local of the loop's body in between and the
-- operand a value the loop carries, checked where it is multiplied.
local function carried(n)
  local s, t = 1, 0
  for i = 1, n do
    s = s * K
    local d = i + 1000
    t = t + d
    if i % 40 == 0 then s = s + 0.5 end
    if s > 1e6 then s = math.floor(s % 1000) end
  end
  return s, t
end
print("carried", carried(3000))

-- Reads and stores through a fixed upvalue's table, integers and floats, in and past its
-- array part, and a key that is no integer.
local ARR = {}
local function arr(n)
  for i = 1, n do ARR[i] = i * 2 end
  for i = 1, n, 3 do ARR[i] = i + 0.5 end
  local s = 0
  for i = 1, n + 10 do
    local v = ARR[i]
    if v then s = s + v + ARR[1] end
  end
  for i = 1, n do local k = i % 4 == 0 and i + 0.5 or i; s = s + (ARR[k] or 1) end
  -- An integer, then a float: exits at the read, with the table's register written since.
  for i = 1, n do s = s + ARR[i] * 2 + (i * 3 + i * 5) end
  return s, #ARR
end
print("array", arr(100), arr(300))

-- Comparisons with a fixed upvalue's integer on either side, branches both ways, and the other
-- operand turning float (exits at the comparison).
local LIMIT, KIND = 150, 3
local function classify(vals)
  local lo, hi, eq, le, ge = 0, 0, 0, 0, 0
  for i = 1, #vals do
    local v = vals[i]
    if v < LIMIT then lo = lo + 1 end
    if LIMIT < v then hi = hi + 1 end
    if v == KIND then eq = eq + 1 end
    if KIND == v then eq = eq + 1 end
    if v <= LIMIT then le = le + 1 end
    if LIMIT <= v then ge = ge + 1 end
    local w = i * 7 + 1  -- the constants' registers written in between
  end
  return lo, hi, eq, le, ge
end
do
  local vals = {}
  for i = 1, 300 do vals[i] = i % 200 end
  print("compare", classify(vals))
  for i = 1, 300 do vals[i] = i % 3 == 0 and i + 0.5 or i % 200 end
  print("compare mixed", classify(vals))
end
