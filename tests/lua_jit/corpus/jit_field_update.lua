-- `obj.x = obj.x + v`: a field read and then stored in the same trace is checked once, at the
-- read (Recorder::pair_field_store). What comes between must not move the table's nodes.

-- Objects of two layouts (fields inserted in other orders), alternating.
local objs = {}
for i = 1, 40 do
  if i % 2 == 0 then objs[i] = {x = 1.5, n = 0, t = {}}
  else objs[i] = {t = {}, n = 0, pad = true, x = 2.5} end
end
for round = 1, 3 do
  for i = 1, #objs do
    local o = objs[i]
    o.x = o.x * 1.5 + i
    o.n = o.n + 1
    o.t = o.t
  end
end
local sx, sn = 0, 0
for i = 1, #objs do sx = sx + objs[i].x; sn = sn + objs[i].n end
print("two layouts", sx, sn)

-- A key inserted between the read and the store grows the table (its nodes move).
local t = {a = 0}
for i = 1, 60 do
  local v = t.a
  t["k" .. i] = i
  t.a = v + 1
end
local keys = 0
for _ in pairs(t) do keys = keys + 1 end
print("inserts between", t.a, keys, t.k60)

-- The same through a table store with a constant key that is new.
local u = {a = 1}
for i = 1, 50 do
  local v = u.a
  if i == 20 then u.b = 0 end
  if i == 30 then u.c, u.d, u.e = 1, 2, 3 end
  u.a = v * 2 % 1000003
end
print("stores between", u.a, u.b, u.c, u.e)

-- A field of a class that objects read through __index: the update must reach them.
local Class = {count = 0}
Class.__index = Class
local inst = setmetatable({}, Class)
local seen = 0
for i = 1, 60 do
  seen = seen + inst.count
  Class.count = Class.count + 1
end
print("class field", Class.count, seen)

-- A field that holds nil, then a value: the read finds nil at first.
local w = {v = false, n = nil}
w.n = nil
for i = 1, 40 do
  w.v = not w.v
  if i > 10 then w.n = (w.n or 0) + i end
end
print("nil then value", w.v, w.n)

-- Integers that overflow into floats and a value that changes type.
local z = {x = 1}
for i = 1, 70 do
  z.x = z.x * 3
  if i == 40 then z.x = 0.5 end
end
print("types change", z.x)

-- The read writes the table's own register (p = p.nxt): a store to p.nxt after it goes to
-- another table, whose layout the read never checked. The loop is recorded over tables of one
-- layout (nxt in their first node) and then runs over tables of two (nxt elsewhere in the
-- second).
local nodes = {}
for i = 1, 64 do
  if i <= 32 or i % 2 == 0 then nodes[i] = {nxt = false, alt = false, v = i}
  else nodes[i] = {v = i, pad1 = 0, alt = false, pad2 = 0, pad3 = 0, pad4 = 0, pad5 = 0, pad6 = 0, nxt = false} end
end
for i = 1, 64 do nodes[i].nxt = nodes[i % 64 + 1]; nodes[i].alt = nodes[(i + 2) % 64 + 1] end
local p = nodes[1]
for i = 1, 300 do
  p = p.nxt
  p.nxt = p.alt
end
local sig = {}
for i = 1, 64 do
  local n = nodes[i]
  local s = n.v .. ">" .. n.nxt.v .. "," .. n.alt.v
  for k, v in pairs(n) do  -- every other field as it was made
    if k ~= "nxt" and k ~= "alt" and k ~= "v" and v ~= 0 then s = s .. "!" .. k end
  end
  sig[#sig + 1] = s
end
print("read into its own register", p.v, table.concat(sig, " "))
