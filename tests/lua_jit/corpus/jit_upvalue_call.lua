-- Calls of functions held in upvalues: the read checks the function's prototype itself
-- (GETUPVAL_P, and GETUPVAL_F_P in an inlined call), leaving at the GETUPVAL when the upvalue
-- holds another function, a builtin or no function at all.
local function square(x) return x * x end
local function cube(x) return x * x * x end
local f = square

local function sum(n)
  local s = 0
  for i = 1, n do s = s + f(i) end
  return s
end
print("square", sum(100))
f = cube
print("cube", sum(100))

-- replaced in the middle of the loop, by a Lua function, a builtin, then a non-function
local calls = 0
local function switching(n)
  local s = 0
  for i = 1, n do
    if i == 40 then f = square end
    if i == 60 then f = math.abs end
    s = s + f(i)
    calls = calls + 1
  end
  return s
end
f = cube
print("switching", switching(80), calls)
f = 42
print(pcall(switching, 10))

-- the same from an inlined call's closure
local function make(g)
  local function apply(x) return g(x) + 1 end
  return apply, function(h) g = h end
end
local apply, set = make(square)
local t = 0
for i = 1, 90 do
  if i == 45 then set(cube) end
  if i == 70 then set(function(x) return -x end) end
  t = t + apply(i)
end
print("inlined", t)
set("not a function")
print(pcall(function()
  local acc = 0
  for i = 1, 10 do acc = acc + apply(i) end
  return acc
end))
