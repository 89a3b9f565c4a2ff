-- Closures created inside traces: loop locals captured fresh each iteration, closures made
-- in inlined and recursive functions, upvalues shared and changed from both sides.
local made = {}
for i = 1, 200 do
  local x = i * 3
  made[i] = function(d) x = x + d; return x end   -- each iteration has its own x
  if i % 7 == 0 then x = -x end                    -- changed after capture, before CLOSE
end
local s = 0
for i = 1, #made do s = s + made[i](1) + made[i](1) end
print("fresh", s)

local function counter(start)          -- inlined: its closures come from CLOSURE_F
  local n = start
  local function inc(k) n = n + k end
  local function get() return n end
  return inc, get
end
local sum = 0
for round = 1, 150 do
  local inc, get = counter(round)
  for k = 1, 5 do inc(k) end
  sum = sum + get()
end
print("shared", sum)

local outer = 100
local function adder(k)                -- captures a captured variable (not in its frame)
  return function(v) return v + k + outer end
end
local t = 0
for i = 1, 120 do
  local f = adder(i)
  t = t + f(i)
  if i == 60 then outer = 1 end
end
print("nested", t)

local function build(depth)            -- recursion that makes closures on the way
  if depth == 0 then return function() return 1 end end
  local below = build(depth - 1)
  return function() return below() * 2 + depth end
end
local r = 0
for i = 1, 60 do r = r + build(i % 9)() end
print("recursive", r)

local rows = {}
for i = 1, 40 do rows[i] = {id = i, w = (i * 37) % 11} end
local checks = 0
for round = 1, 30 do
  local key = round % 2 == 0 and "w" or "id"
  table.sort(rows, function(a, b)
    if a[key] ~= b[key] then return a[key] < b[key] end
    return a.id < b.id
  end)
  checks = checks + rows[1].id * 1000 + rows[40].id
end
print("sort", checks)

local errs = 0
for i = 1, 80 do
  local ok = pcall(function() if i % 9 == 0 then error("e" .. i) end return i end)
  if not ok then errs = errs + 1 end
end
print("pcall", errs)
