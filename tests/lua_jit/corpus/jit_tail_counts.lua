-- Tail calls whose values were counted when recorded (TAIL_FRAME_K<n>, _KT<n> and their _BASE
-- forms): fixed counts of two to four values, and counts up to the stack top that change while
-- traces run (a call before the tail call returning more or fewer values than it did).

local function sum3(a, b, c) return (a or 0) + (b or 0) + (c or 0) end
local function pick(n, x)
  if n == 1 then return x end
  if n == 2 then return x, x + 1 end
  return x, x + 1, x + 2
end

-- `return f(g())`: the values end at the stack top; their count follows g.
local function relay(n, x) return sum3(pick(n, x)) end
local acc = 0
for i = 1, 60 do
  local n = i < 30 and 2 or (i % 3) + 1
  acc = acc + relay(n, i)
end
print("relay", acc)

-- Fixed counts of 2, 3 and 4 values in an inlined function.
local function two(a) return a * 2 end
local function three(a, b) return a - b end
local function four(a, b, c) return a + b * c end
local function dispatch(k, x)
  if k == 0 then return two(x) end
  if k == 1 then return three(x, 1) end
  return four(x, 2, 3)
end
local total = 0
for i = 1, 90 do total = total + dispatch(i % 3, i) end
print("fixed", total)

-- Recursion through tail calls in the trace's own frame, with an argument computed by a call.
local function count_down(n, acc2)
  if n == 0 then return acc2 end
  return count_down(n - 1, sum3(acc2, n))
end
print("recursive", count_down(200, 0), count_down(37, 5))

-- Extra arguments beyond the parameters, and too few (the missing ones are nil).
local function first(a) return a end
local function extra(x) return first(x, x + 1, x + 2) end
local function few(x) return sum3(x) end
local e, f = 0, 0
for i = 1, 50 do
  e = e + extra(i)
  f = f + few(i)
end
print("args", e, f)
