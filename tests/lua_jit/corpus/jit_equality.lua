-- == and ~= between strings, tables and functions in traces: the same object, different short
-- strings, long strings with equal contents, tables with and without __eq, and values whose
-- type changes in the middle of the loop.

local words = {"alpha", "beta", "alpha", "gamma", "beta", "alpha"}
local n = 0
for i = 1, 300 do
  local w = words[i % #words + 1]
  if w == "alpha" then n = n + 1 end
  if w == words[1] then n = n + 10 end
  if w ~= words[2] then n = n + 100 end
end
print(n)

-- Long strings: equal contents in different objects.
local long1 = string.rep("x", 60) .. "end"
local parts = {}
for i = 1, 200 do
  local s = string.rep("x", 60) .. (i % 3 == 0 and "end" or "fin")
  parts[#parts + 1] = (s == long1) and "=" or "~"
end
print(table.concat(parts):sub(1, 40), #parts)

-- Tables: identity, plain tables, then tables with __eq appearing halfway.
local a, b = {}, {}
local same, diff = 0, 0
local objs = {a, b, a, a, b}
for i = 1, 250 do
  local o = objs[i % #objs + 1]
  if o == a then same = same + 1 else diff = diff + 1 end
  if i == 120 then
    local mt = {__eq = function(x, y) return true end}
    setmetatable(a, mt)
    setmetatable(b, mt)
  end
end
print(same, diff)

-- Objects of a class without __eq, compared in a loop.
local Class = {}
Class.__index = Class
local items = {}
for i = 1, 5 do items[i] = setmetatable({id = i}, Class) end
local target = items[3]
local hits = 0
for i = 1, 400 do
  if items[i % 5 + 1] == target then hits = hits + 1 end
  if items[i % 5 + 1] ~= items[(i + 1) % 5 + 1] then hits = hits + 2 end
end
print(hits)

-- Functions and a value whose type changes.
local function f() end
local function g() end
local fns = {f, g, f, print, print}
local fc = 0
for i = 1, 200 do
  local x = fns[i % #fns + 1]
  if x == f then fc = fc + 1 end
  if x == print then fc = fc + 100 end
  if i == 150 then fns[2] = "g" end
  if x == "g" then fc = fc + 10000 end
end
print(fc)

-- Integers against floats: equal only when the float is exactly that integer (2^53 + 1 has no
-- float; NaN and huge floats equal nothing).
local floats = {1.0, 2.5, 2^53, 2^53 + 2, 0/0, 2^63, -2^63, -0.0, 3.0}
local ints = {1, 2, 9007199254740992, 9007199254740993, 0, math.maxinteger, math.mininteger, 0, 3}
local eq = {}
for i = 1, 180 do
  local k = i % #floats + 1
  local f, n = floats[k], ints[k]
  eq[#eq + 1] = (n == f and "=" or "~") .. (f ~= n and "!" or ".")
end
print(table.concat(eq, "", 1, 18), #eq)
local h = 0
for i = 1, 200 do
  local x = i / 2      -- a float, integral every other time
  if x == i // 2 then h = h + 1 end
  if i // 4 ~= x then h = h + 10 end
end
print(h)
