-- t[i], t[j] = t[j], t[i] in loops: the JIT swaps both values at once where both keys find
-- values in the array part, and leaves it to the interpreter otherwise.
local function reverse(t, lo, hi)
  while lo < hi do
    t[lo], t[hi] = t[hi], t[lo]
    lo, hi = lo + 1, hi - 1
  end
end

local function show(t, n)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = tostring(t[i]) end
  return table.concat(parts, " ")
end

-- integers, floats, strings, tables, booleans mixed
local t = {}
for i = 1, 40 do
  local m = i % 5
  t[i] = m == 0 and i or m == 1 and i + 0.5 or m == 2 and ("s" .. i) or m == 3 and (i % 2 == 0) or {i}
end
for r = 1, 30 do reverse(t, 1 + r % 3, 40 - r % 7) end
for i = 1, 40 do if type(t[i]) == "table" then t[i] = "t" .. t[i][1] end end
print(show(t, 40))

-- the same index twice
local u = {10, 20, 30}
for k = 1, 20 do
  local i = k % 3 + 1
  u[i], u[i] = u[i], u[i]
end
print(show(u, 3))

-- The loops below swap on one path from their first iterations on (the trace that swaps
-- forms then), and meet what the swap cannot do later on that path.
-- A nil in either place (stored on another path):
local h = {1, 2, 3, 4, 5, 6, 7, 8}
for k = 1, 60 do
  local i, j = k % 4 + 1, k % 3 + 5
  h[i], h[j] = h[j], h[i]
  h[j], h[i] = h[i], h[j]
  h[i], h[j] = h[j], h[i]
  if k % 11 == 0 then h[k % 8 + 1] = nil end
  if k % 13 == 0 then h[k % 8 + 1] = k end
end
print(show(h, 8))

-- A key beyond the array part, on either side (the array grows on the way):
local g = {1, 2, 3, 4, 5, 6, 7, 8}
for k = 1, 40 do
  local i, j = k % 3 + 1, k % 12 + 1
  g[i], g[j] = g[j], g[i]
  g[j], g[i] = g[i], g[j]
  g[j], g[i] = g[i], g[j]
end
print(show(g, 14))

-- float keys with integer values, and string keys
local f = {5, 6, 7, 8}
for k = 1, 30 do
  local i, j = (k % 4) + 1.0, 4.0
  f[i], f[j] = f[j], f[i]
  local s, q = "a", "b"
  f[s], f[q] = f[q], f[s]
end
print(show(f, 4), f.a, f.b)

-- metatables: __index and __newindex see the nils the swap reads and writes
local log = {}
local m = setmetatable({1, 2, 3, 4, 5, 6}, {
  __index = function(_, key) log[#log + 1] = "get" .. key; return "d" .. key end,
  __newindex = function(tt, key, v) log[#log + 1] = "set" .. key; rawset(tt, key, v) end,
})
for k = 1, 40 do  -- one swap an iteration: two in a row would undo each other
  local i, j = k % 3 + 1, k % 5 + 2
  m[i], m[j] = m[j], m[i]
  if k % 9 == 0 then rawset(m, k % 6 + 1, nil) end
end
print(show(m, 6), #log, table.concat(log, " "))
log = {}
for k = 1, 40 do
  local i, j = k % 3 + 1, k % 5 + 2
  m[j], m[i] = m[i], m[j]
  if k % 7 == 0 then rawset(m, k % 6 + 1, nil) end
end
print(show(m, 6), #log, table.concat(log, " "))

-- a table that changes type under the loop, and a key that stops being an integer
local cases = {{1, 2, 3}, {4, 5, 6}, "str", {7, 8, 9}}
local ok = 0
for k = 1, 40 do
  local v = cases[k % 4 + 1]
  local s = pcall(function()
    local a, b = 1, (k % 9 == 0) and 2.5 or 3
    v[a], v[b] = v[b], v[a]
  end)
  if s then ok = ok + 1 end
end
print(ok, show(cases[1], 3), show(cases[2], 3), show(cases[4], 3), cases[2][2.5])

-- the temporaries are read again through a local of the same register afterwards
for k = 1, 20 do
  local a = {k, k + 1}
  a[1], a[2] = a[2], a[1]
  local x, y = a[1], a[2]
  if x ~= k + 1 or y ~= k then print("wrong", k, x, y) end
end
-- the table an upvalue (eight instructions: the GETUPVALs and the swap), with the same cases
local up = {1, 2.5, "three", {4}, true, 6, 7, 8}
local function swapper(i, j) up[i], up[j] = up[j], up[i] end
for k = 1, 60 do
  swapper(k % 4 + 1, k % 7 + 1)
  swapper(k % 8 + 1, k % 3 + 1)
  if k % 13 == 0 then up[k % 8 + 1] = nil end
  if k % 17 == 0 then up[k % 8 + 1] = k end
  if k == 45 then up[12] = "far" end
end
for i = 1, 12 do if type(up[i]) == "table" then up[i] = "t" .. up[i][1] end end
print(show(up, 12))
local mlog = {}
local mup = setmetatable({1, 2, 3, 4, 5, 6}, {
  __index = function(_, key) mlog[#mlog + 1] = "get" .. key; return "d" .. key end,
  __newindex = function(tt, key, v) mlog[#mlog + 1] = "set" .. key; rawset(tt, key, v) end,
})
local function mswap(i, j) mup[i], mup[j] = mup[j], mup[i] end
for k = 1, 40 do
  mswap(k % 3 + 1, k % 5 + 2)
  if k % 9 == 0 then rawset(mup, k % 6 + 1, nil) end
end
print(show(mup, 6), #mlog, table.concat(mlog, " "))

-- the same four instructions with locals instead of temporaries: both read afterwards
local w = {1, 2, 3, 4, 5, 6}
local sum = 0
for k = 1, 30 do
  local i, j = k % 3 + 1, k % 3 + 4
  local x, y = w[j], w[i]
  w[j] = y
  w[i] = x
  sum = sum + x * 10 + y
end
print(show(w, 6), sum)
print("done")
