-- Globals and library fields read in loops are taken as constants behind guards (the recorder's
-- GUARD_TABUP_IS / GUARD_FIELD_IS). A loop that stores the field itself must see each store,
-- and so must a loop after a store made elsewhere.

-- math.sqrt replaced by a store in the loop body (a field store of that name).
local real_sqrt = math.sqrt
local sum = 0
for i = 1, 60 do
  sum = sum + math.sqrt(i * i)
  if i == 30 then math.sqrt = function(x) return -1 end end
end
print("field stored in the loop", sum)
math.sqrt = real_sqrt

-- A global function replaced by a global assignment in the loop.
function step(x) return x + 1 end
local n = 0
for i = 1, 60 do
  n = step(n)
  if i == 25 then step = function(x) return x + 100 end end
end
print("global stored in the loop", n)

-- The field replaced through a key in a register (any string key may be the one).
local name = "abs"
local real_abs = math.abs
local acc = 0
for i = 1, 60 do
  acc = acc + math.abs(-i)
  if i == 40 then math[name] = function(x) return 0 end end
end
print("field stored through a register key", acc)
math.abs = real_abs

-- The field replaced by a call (rawset), which may store anything.
local real_floor = math.floor
local f = 0
for i = 1, 60 do
  f = f + math.floor(i / 2)
  if i == 35 then rawset(math, "floor", function(x) return 1000 end) end
end
print("field stored by a call", f)
math.floor = real_floor

-- The global itself replaced by another table in the loop.
local saved_math = math
local m = 0
for i = 1, 60 do
  m = m + math.max(i, 3)
  if i == 45 then math = {max = function(a, b) return -a end} end
end
print("global table stored in the loop", m)
math = saved_math

-- Stores made between runs of a loop: its trace's guards fail at entry.
local function run()
  local t = 0
  for i = 1, 50 do t = t + math.sqrt(i) + step(i) end
  return t
end
local results = {}
for round = 1, 8 do
  if round == 3 then math.sqrt = function(x) return 2 * x end end
  if round == 5 then step = function(x) return x * 3 end end
  if round == 7 then math = {sqrt = real_sqrt} end
  results[#results + 1] = string.format("%.6f", run())
end
math = saved_math
math.sqrt = real_sqrt
print("stores between runs", table.concat(results, " "))

-- A global that holds another table on every pass.
local list = {}
for i = 1, 80 do list[i] = {v = i, w = {z = i * 2}} end
local total = 0
for i = 1, 80 do
  current = list[i]
  total = total + current.v + current.w.z
end
print("a global that changes", total)

-- A local table's field (not a global) that the loop stores.
local lib = {f = function(x) return x end}
local r = 0
for i = 1, 60 do
  r = r + lib.f(i)
  if i % 20 == 0 then lib.f = function(x) return x * i end end
end
print("a library table stored in the loop", r)

-- Stores on every pass, recorded in the trace with the reads: the guards check every time.
local function neg(x) return -x end
local s1 = 0
for i = 1, 60 do
  s1 = s1 + math.sqrt(i * i)
  math.sqrt = (i % 7 == 0) and neg or real_sqrt
end
math.sqrt = real_sqrt
print("field stored on every pass", s1)

local function inc(x) return x + 1 end
local function dec(x) return x - 1 end
local s2 = 0
for i = 1, 60 do
  s2 = step2 and step2(s2) or s2
  step2 = (i % 5 == 0) and dec or inc
end
print("global stored on every pass", s2)

local s3 = 0
for i = 1, 60 do
  s3 = s3 + math.abs(-i)
  math[name] = (i % 6 == 0) and neg or real_abs
end
math.abs = real_abs
print("field stored through a register key on every pass", s3)

local s4 = 0
for i = 1, 60 do
  s4 = s4 + math.max(i, 1)
  math = (i % 9 == 0) and {max = function(a) return 0 end} or saved_math
end
math = saved_math
print("global table stored on every pass", s4)
