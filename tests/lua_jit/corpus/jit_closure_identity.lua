-- Traces that take a function for its one closure (a check of its address): the same call
-- sites later run other closures of the prototype, and collected closures' addresses come
-- back for new ones.

-- A trace made while a prototype had one closure, then run with a second one.
local function adder(k)
  local function add(x) return x + k end
  return add
end
local add1 = adder(1)
local function sum_with(f, n)
  local s = 0
  for i = 1, n do s = s + f(i) end
  return s
end
print("one closure", sum_with(add1, 300))
local add1000 = adder(1000)
print("second closure", sum_with(add1000, 300), sum_with(add1, 300))

-- Closures collected between rounds: a new one may take a collected one's address.
local function run_with(k)
  local function scaled(x) return x * k end
  local s = 0
  for i = 1, 200 do s = s + scaled(i) end
  return s
end
for round = 1, 6 do
  io.write(run_with(round), " ")
  collectgarbage()
end
print()

-- A method found in a table field (a constant behind a guard on the field), replaced by
-- another closure of the same prototype.
local function method(k) return function(self, x) return self.base + x * k end end
local obj = {base = 7, f = method(2)}
local function calls(n)
  local s = 0
  for i = 1, n do s = s + obj:f(i) end
  return s
end
print("method", calls(300))
obj.f = method(3)
print("replaced", calls(300))

-- A loop's trace (and a side trace after the loop) in a function with one closure, then run
-- by a second closure of the same prototype.
local function stepper(step)
  return function(n)
    local s = 0
    for _ = 1, n do s = s + step end
    return s
  end
end
local function after_loop(extra)
  return function(n)
    local s = 0
    for i = 1, n do s = s + i end
    return s + extra
  end
end
local s1, a1 = stepper(1), after_loop(1)
local t = 0
for _ = 1, 20 do t = t + s1(50) + a1(30) end
print("first closures", t, s1(300), a1(300))
local s2, a2 = stepper(5), after_loop(500)
t = 0
for _ = 1, 20 do t = t + s2(50) + a2(30) + s1(50) + a1(30) end
print("second closures", t, s2(300), a2(300), s1(300), a1(300))
