-- Returns from hot recursive and inlined functions to callers that want 0, 1, 2 or all of
-- their results, from functions with and without closures over their registers.
local function depth(n)
  if n == 0 then return 0 end
  return depth(n - 1) + 1
end

local sink = 0
local function count(n)
  if n == 0 then return n end
  sink = sink + 1
  count(n - 1)          -- wants no result
  return n
end

local function pair(n)
  if n == 0 then return 0 end
  local a, b = pair(n - 1), n   -- one result, then a constant
  return a + b
end

local function all(n)
  if n == 0 then return 1 end
  return select("#", all(n - 1)) + n   -- wants every result
end

local function boxed(n)
  if n == 0 then return 0 end
  local get = function() return n end   -- a closure over n: its frame has an open upvalue
  return boxed(n - 1) + get()
end

local function small(x) return x * 2 end
local function wrap(x)
  local y = small(x)        -- inlined, one result
  local u, v = small(x)     -- two wanted, one given
  small(x)                  -- none wanted
  return y + u + (v or 100)
end

local total = 0
for i = 1, 300 do
  total = total + depth(i % 40) + count(i % 30) + pair(i % 25) + all(i % 20) + wrap(i)
  if i % 50 == 0 then total = total + boxed(i % 15) end
end
print(total, sink)
print(select("#", depth(5)), depth(12), pair(10), all(7), boxed(9))
print(pcall(depth, 30), pcall(pair, 8))
