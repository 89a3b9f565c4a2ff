-- Varargs in traces: fixed counts taken from ..., all of them passed on to a call or a table
-- constructor, select('#', ...), and vararg functions called with different counts.
local function sum(...)
  local a, b, c = ...
  return (a or 0) + (b or 0) + (c or 0)
end
local function count(...) return select("#", ...) end
local function pack(...) return {...} end
local function first(...) local x = ... return x end
local function pass(...) return sum(...) end
local function fmt(f, ...) return string.format(f, ...) end

local total, n, lens = 0, 0, 0
for i = 1, 300 do
  total = total + sum(i, i * 2) + sum(i) + sum(i, 1, 2, 3, 4)
  n = n + count(i, nil, i) + count()
  local t = pack(i, i + 1, i + 2)
  lens = lens + #t + t[3]
  total = total + first(i, 99) + pass(i, i)
  if i % 50 == 0 then total = total + #fmt("%d-%s", i, "x") end
end
print(total, n, lens)

local function va_loop(...)        -- a loop inside a vararg function
  local s = 0
  for i = 1, 100 do
    local x, y = ...
    s = s + x * i + (y or 0)
  end
  return s
end
print(va_loop(3, 4), va_loop(5), va_loop(1, 2, 3))

local function rec(k, ...)          -- recursion through a vararg function
  if k == 0 then return select("#", ...) end
  return rec(k - 1, k, ...)
end
local r = 0
for i = 1, 50 do r = r + rec(i % 10) end
print(r)
