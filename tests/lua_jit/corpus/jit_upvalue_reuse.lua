-- A trace reads an upvalue once and reuses the value while nothing can have changed it. Every
-- way an upvalue changes between two reads in one iteration must be seen: a SETUPVAL in the
-- function itself, an inlined callee sharing the upvalue, a builtin calling back into Lua, a
-- metamethod, an error caught by pcall, a table the upvalue names being replaced.

local data = {}
for i = 1, 64 do data[i] = i * 3 % 17 end

-- Plain reuse: `data` read many times per iteration.
local function sum_pairs(n)
  local s = 0
  for i = 1, n - 1 do s = s + data[i] * data[i + 1] - data[i] end
  return s
end

-- The upvalue replaced in the middle of an iteration by the function itself.
local swapped = {}
for i = 1, 64 do swapped[i] = -i end
local function flip(n)
  local s = 0
  for i = 1, n do
    s = s + data[i]
    if i % 7 == 0 then data, swapped = swapped, data end
    s = s + data[i]
  end
  return s
end

-- An inlined callee shares the upvalue and replaces it.
local counter = 0
local function bump() counter = counter + 1 end
local function count_twice(n)
  local s = 0
  for i = 1, n do
    local before = counter
    bump()
    s = s + (counter - before) + counter
  end
  return s
end

-- A builtin that calls back into Lua (gsub's replacement function) changes it.
local limit = 10
local function sorted_limits(n)
  local s = 0
  for i = 1, n do
    local before = limit
    local r = ("abc"):gsub(".", function(c) limit = limit + 1; return c .. c end)
    s = s + (limit - before) + #r
  end
  return s
end

-- A metamethod changes it.
local scale = 1
local meta = setmetatable({}, {__index = function(t, k) scale = scale * -1; return k end})
local function through_meta(n)
  local s = 0
  for i = 1, n do
    local a = scale
    local b = meta[i]
    s = s + a * scale + b
  end
  return s
end

-- pcall of a function that changes it and fails.
local level = 0
local function fails() level = level + 2; error("no") end
local function catch(n)
  local s = 0
  for i = 1, n do
    local a = level
    pcall(fails)
    s = s + level - a
  end
  return s
end

for round = 1, 4 do
  print(round, sum_pairs(64), flip(40), count_twice(30), sorted_limits(20), through_meta(25), catch(15))
end
