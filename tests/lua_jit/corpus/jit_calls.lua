-- Calls inside hot loops: inlined Lua functions (upvalues, globals, varargs, missing and extra
-- results, methods), builtins, and errors raised inside an inlined call.
local function add(a, b) return a + b end
local function pair(x) return x, x * 2 end
local function none() end
local function varsum(...)
  local s = 0
  for i = 1, select('#', ...) do s = s + select(i, ...) end
  return s
end
local counter = 0
local function bump(k) counter = counter + k; return counter end
G = 0
local function global_bump() G = G + 1 end

local s, t = 0, 0
for i = 1, 300 do
  s = add(s, i)
  local a, b = pair(i)
  t = t + a + b
  local x, y = none()
  if x ~= nil or y ~= nil then error("none returned something") end
  bump(2)
  global_bump()
  if i % 50 == 0 then t = t + varsum(i, 1, 2) end
end
print(s, t, counter, G)

-- methods through a class table
local Point = {}
Point.__index = Point
function Point.new(x, y) return setmetatable({x = x, y = y}, Point) end
function Point:len2() return self.x * self.x + self.y * self.y end
function Point:move(dx) self.x = self.x + dx end
local p = Point.new(1, 2)
local acc = 0
for i = 1, 200 do
  p:move(1)
  acc = acc + p:len2()
end
print(p.x, p.y, acc)

-- a closure over a loop-local captured by an inlined function
local fs = {}
for i = 1, 100 do
  local v = i
  local function get() return v end
  fs[#fs + 1] = get
  v = v + add(1, 0)
end
local total = 0
for i = 1, #fs do total = total + fs[i]() end
print(total)

-- errors raised inside an inlined call, caught outside the loop
local function div(a, b) return a // b end
local function run(n)
  local r = 0
  for i = 1, n do r = r + div(100, 10 - i) end
  return r
end
print(pcall(run, 9))
print(pcall(run, 20))
local function field(o) return o.v + 1 end
local function walk(list)
  local r = 0
  for i = 1, #list do r = r + field(list[i]) end
  return r
end
local list = {}
for i = 1, 100 do list[i] = {v = i} end
print(walk(list))
list[77] = 5
print(pcall(walk, list))

-- recursion inside a loop (not inlined) and deep recursion errors
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local fsum = 0
for i = 1, 20 do fsum = fsum + fib(i) end
print(fsum)
local function deep(n) return n == 0 and 0 or 1 + deep(n - 1) end
local ok, err = pcall(function()
  local r = 0
  for i = 1, 100 do r = r + deep(i * 1000) end
  return r
end)
print(ok, ok and err or "error")

-- missing arguments read as nil, results padded with nil or cut, nested inlined frames, and a
-- callee whose locals are captured (its frame has open upvalues when it returns)
local function three(a, b, c)
  if c == nil then c = 0 end
  if b == nil then return a, -1 end
  return a + b + c
end
local function twice(f, x)
  local r = f(f(x, 1), 2, 3)  -- not a tail call: inlined two levels deep
  return r
end
local function capture(x)
  local function get() return x end
  x = x + 1
  return get
end
local m1, m2, m3, m4 = 0, 0, 0, 0
local kept = {}
for i = 1, 120 do
  local a, b, c = three(i)
  m1 = m1 + a + b + (c == nil and 1 or 0)
  m2 = m2 + three(i, 2) + three(i, 2, 3)
  m3 = m3 + twice(three, i)
  local g = capture(i)
  m4 = m4 + g()
  if i % 40 == 0 then kept[#kept + 1] = g end
end
print(m1, m2, m3, m4, kept[1](), kept[3]())

-- tail calls inside inlined functions: the callee takes over the frame and returns to the
-- inlined function's caller; missing arguments are nil; an error raised after a tail call
local function leaf(x, y) return x * 2 + (y or 0) end
local function mid(x) return leaf(x, 1) end
local function top(x)
  if x % 3 == 0 then return mid(x) end
  return leaf(x)
end
local function many(a, b, c, d) return leaf(a + b + c, d) end
local acc, acc2 = 0, 0
for i = 1, 200 do
  acc = acc + top(i)
  acc2 = acc2 + many(i, 1, 2, i % 2 == 0 and 5 or nil)
end
print(acc, acc2)
local function bad(x)
  if x == 150 then error("bad " .. x) end
  return x
end
local function via(x) return bad(x) end
local ok, msg = pcall(function()
  local s = 0
  for i = 1, 200 do s = s + via(i) end
  return s
end)
print(ok, msg)
