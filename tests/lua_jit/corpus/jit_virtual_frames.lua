-- Inlined calls of functions that call nothing, whose frames a trace does not push although
-- it may leave inside them: each way out must find the frame there, as if it had been pushed.
local seed = 42
local function random(max)             -- upvalue reads and writes, integer and float
  seed = (seed * 3877 + 29573) % 139968
  return max * seed / 139968
end
local sum = 0
for i = 1, 300 do sum = sum + random(1.0) end
print("random", string.format("%.6f", sum))

-- A type changing inside the callee: the exit resumes in it, and a side trace starts there.
local function scale(x) return x * 2 + 1 end
local acc = 0
for i = 1, 400 do
  local v = i
  if i > 150 then v = i + 0.5 end       -- integer, then float
  if i > 300 then v = tostring(i) end   -- then a string the arithmetic coerces
  acc = acc + scale(v)
end
print("scale", acc)

-- An error inside the callee: the message and the traceback's level see its frame.
local function divide(a, b) return a // b end
local ok, err = pcall(function()
  local t = 0
  for i = 1, 200 do t = t + divide(1000, 100 - i) end
  return t
end)
print("divide", ok, err)
local function where(x) return x.field end
ok, err = pcall(function()
  local t = 0
  for i = 1, 100 do t = t + where(i < 90 and {field = i} or nil) end
  return t
end)
print("where", ok, err)
local function checked(x)
  if x > 80 then error("too big: " .. x, 2) end  -- level 2: the caller's line
  return x
end
ok, err = pcall(function()
  local t = 0
  for i = 1, 100 do t = t + checked(i) end
  return t
end)
print("checked", ok, err)

-- Allocation in the callee while its frame is not pushed: the collector must keep what its
-- registers hold (a table, a string and the argument).
local function pair(a, b)
  local t = {}
  t.x = a
  local s = "k" .. a
  return t.x + #s + b.n
end
local function pairs_of(n)  -- few registers: the callee's lie above this frame's top
  local total = 0
  for i = 1, n do total = total + pair(i, {n = i}) end
  return total
end
print("pair", pairs_of(40000))

-- A leaf called twice in one iteration from the same register, and from different ones.
local function inc(x) if x % 7 == 0 then return x + 100 end return x + 1 end
local s1, s2 = 0, 0
for i = 1, 500 do
  s1 = s1 + inc(i)
  s1 = s1 + inc(i + 3)
  s2 = s2 + inc(i) * inc(i * 2)
end
print("inc", s1, s2)

-- Exits inside the callee taken often enough for side traces, in a loop that goes around.
local function classify(n)
  if n % 3 == 0 then return "fizz" end
  if n % 5 == 0 then return "buzz" end
  return n
end
local counts = {fizz = 0, buzz = 0, other = 0}
for i = 1, 2000 do
  local c = classify(i)
  if c == "fizz" or c == "buzz" then counts[c] = counts[c] + 1 else counts.other = counts.other + c end
end
print("classify", counts.fizz, counts.buzz, counts.other)
