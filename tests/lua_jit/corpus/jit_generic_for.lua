-- Generic for loops in traces: pairs() and ipairs() stepped inline, other iterators called
-- (Lua closures inlined, builtins through the interpreter), and what makes them leave.
local arr, map = {}, {}
for i = 1, 60 do arr[i] = i * 3 end
for i = 1, 40 do map["k" .. i] = i end
local mixed = {10, 20, 30, x = 1, y = 2, [100] = 5}

local function sum_pairs(t)
  local s, n = 0, 0
  for k, v in pairs(t) do
    s = s + v
    n = n + 1
  end
  return s, n
end

local total = 0
for round = 1, 40 do
  for i, v in ipairs(arr) do total = total + i * v end
  for i in ipairs(arr) do total = total - i end
  for k in pairs(map) do total = total + #k end
  local s, n = sum_pairs(map)
  total = total + s + n
  local s2, n2 = sum_pairs(mixed)
  total = total + s2 * n2
  for k, v, extra in next, arr do total = total + (extra or 1) end   -- three variables
end
print("totals", total)

-- Stateless and stateful Lua iterators.
local function evens(t, i)
  i = i + 2
  if t[i] then return i, t[i] end
end
local function range(n, step)
  local i = 0
  return function()
    i = i + (step or 1)
    if i <= n then return i end
  end
end
local acc = 0
for round = 1, 50 do
  for i, v in evens, arr, 0 do acc = acc + v end
  for x in range(20, 3) do acc = acc + x end
end
print("iterators", acc)

-- Builtin iterators (gmatch) and string keys.
local words = 0
for round = 1, 60 do
  for w in ("alpha beta gamma delta"):gmatch("%a+") do words = words + #w end
end
print("words", words)

-- Holes end ipairs; a metatable set in the middle of the loops brings __index in.
local holes = {1, 2, 3, nil, 5}
local seen = 0
for round = 1, 30 do
  for i, v in ipairs(holes) do seen = seen + v end
  if round == 20 then
    setmetatable(holes, {__index = function(t, k) if k == 4 then return 40 end end})
  end
end
print("holes", seen)

-- break, nested loops, assigning existing fields while traversing.
local counts = {a = 0, b = 0, c = 0}
for round = 1, 100 do
  for k, v in pairs(counts) do counts[k] = v + 1 end
  for i, v in ipairs(arr) do
    if v > 30 then break end
    for j, w in ipairs(arr) do
      if j > 2 then break end
      counts.a = counts.a + w
    end
  end
end
print("counts", counts.a, counts.b, counts.c)

-- Errors: a bad key for next, an iterator that raises, a non-table given to next.
local ok, err = pcall(function()
  local t = {x = 1}
  for round = 1, 100 do
    for k in next, t, (round == 90 and "nope" or nil) do end
  end
end)
print("bad key", ok, err)
ok, err = pcall(function()
  local n = 0
  for round = 1, 100 do
    for x in function(_, c) c = (c or 0) + 1; if c > 3 then return nil end; if round == 70 then error("boom " .. c) end; return c end do n = n + x end
  end
  return n
end)
print("raises", ok, err)
ok, err = pcall(function() for k in next, 5 do end end)
print("not a table", ok, err)
