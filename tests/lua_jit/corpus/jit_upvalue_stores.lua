-- Stores into upvalues inside traces: a cell that is no slot of the trace (closed, or open over
-- a register of a caller) keeps what the trace knows across the store, and a later read of the
-- same upvalue takes the stored value; a cell open over one of the trace's own registers is a
-- slot, and the store changes that register.

-- A generator whose state is a local of the main chunk (open below every trace's base).
local seed = 42
local function next_random(max)
  seed = (seed * 3877 + 29573) % 139968
  return max * seed / 139968
end

local function fill(n)
  local t, sum = {}, 0.0
  for i = 1, n do
    local r = next_random(1.0)
    t[i] = r
    sum = sum + r
  end
  return t, sum
end
local t, sum = fill(300)
print("random", seed, string.format("%.6f", sum), string.format("%.6f", t[300]))

-- The type of the upvalue changes halfway: an integer, then a float, then a string.
local acc = 0
local function add(x) acc = acc + x; return acc end
local last
for i = 1, 200 do
  if i == 100 then acc = 0.5 end
  last = add(i)
end
print("acc", acc, last, math.type(acc))
for i = 1, 120 do
  if i == 60 then acc = "10" end
  last = add(1)
end
print("acc string", acc, math.type(acc))

-- Two closures sharing one cell: a store through one is seen by the other in the same
-- iteration.
local function pair()
  local shared = 0
  local function set(v) shared = v end
  local function get() return shared end
  return set, get
end
local set, get = pair()
local total = 0
for i = 1, 200 do
  set(i)
  total = total + get()
  set(i * 2)
  total = total + get()
end
print("shared", total, get())

-- The trace's own closure stores into its upvalue and reads it back.
local counter = 0
local function count_to(n)
  for _ = 1, n do
    counter = counter + 1
    if counter % 50 == 0 then counter = counter + 1000 end
  end
  return counter
end
print("own", count_to(300), counter)

-- A closure whose cell is a register of the function running the loop: the store is a slot's.
local function local_cell(n)
  local x = 0
  local function inc(d) x = x + d end
  local s = 0
  for i = 1, n do
    inc(i)
    s = s + x
  end
  return x, s
end
print("local cell", local_cell(200))

-- The same function with its cell sometimes a register of the loop's frame and sometimes not:
-- closures made here and there, called from one site.
local outer_x = 0
local function make_outer() return function(d) outer_x = outer_x + d end end
local function mixed(n)
  local y = 0
  local here = function(d) y = y + d end
  local there = make_outer()
  local fs = {}
  for i = 1, n do fs[i] = (i % 3 == 0) and here or there end
  for i = 1, n do
    fs[i](i)
    y = y + 1
  end
  return y
end
print("mixed", mixed(300), outer_x)

-- One function, two closures called from one site: one's cell is closed, the other's is a
-- register of the loop's frame, where the store changes the trace's slot, and its type.
local function mixed_cells(n, other)
  local y = 0.5
  local mine = function(d) y = d; return d end
  local seen, fs = 0, {}
  for i = 1, n do fs[i] = (other and i % 7 ~= 0) and other or mine end
  for i = 1, n do
    local r = fs[i](i)
    y = y + 0.25
    seen = seen + y + r
  end
  return y, seen, mine
end
local _, _, closed_one = mixed_cells(1, nil)
local y, seen = mixed_cells(300, closed_one)
print("mixed cells", y, seen)

-- Closures of one function each with its own cell, made in the loop (each cell is open over
-- a register of the loop's frame until the iteration ends).
local function per_iteration(n)
  local got = 0
  for i = 1, n do
    local v = i
    local function bump() v = v + 1 end
    bump()
    bump()
    got = got + v
  end
  return got
end
print("per iteration", per_iteration(200))
