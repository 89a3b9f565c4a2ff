-- Field access in traces on tables whose keys collide in the hash part (so that most keys
-- are not in their main node), on keys that hold nil, on absent keys behind __index and
-- __newindex, and on tables that are rehashed while a loop runs.

local function object()
  return {x = 1.5, y = -2.25, z = 3, vx = 0.5, vy = 0.25, vz = -1, mass = 2, name = "o",
          a1 = 1, a2 = 2, a3 = 3, a4 = 4, a5 = 5, a6 = 6, a7 = 7, a8 = 8, a9 = 9}
end

-- Every field read and written in a loop: chains walked inline.
local o = object()
local sum = 0
for i = 1, 200 do
  o.x = o.x + o.vx
  o.y = o.y + o.vy * o.mass
  o.z = o.z - o.vz
  sum = sum + o.a1 + o.a2 + o.a3 + o.a4 + o.a5 + o.a6 + o.a7 + o.a8 + o.a9
  o.a9 = o.a1 + i
end
print(o.x, o.y, o.z, sum, o.a9)

-- A key that holds nil stays in its chain: storing into it must see __newindex, reading it
-- must see __index.
local log = {}
local proxy = setmetatable({}, {
  __index = function(t, k) return "default " .. k end,
  __newindex = function(t, k, v) log[#log + 1] = k .. "=" .. tostring(v); rawset(t, k, v) end,
})
proxy.p = 1
proxy.q = 2
for i = 1, 30 do
  local before = proxy.p
  if i % 7 == 0 then proxy.p = nil end  -- p stays in the table with a nil value
  if i % 7 == 3 then proxy.p = i end    -- __newindex again while p is nil
  log[#log + 1] = tostring(before)
end
print(#log, table.concat(log, " ", 1, 20))
print(table.concat(log, " ", 21))

-- Fields found through a class chain (__index tables), and absent ones.
local Base = {kind = "base", size = 10}
Base.__index = Base
local Mid = setmetatable({level = 2}, Base)
Mid.__index = Mid
local inst = setmetatable({own = 1}, Mid)
local acc = 0
local missing = 0
for i = 1, 100 do
  acc = acc + inst.size + inst.level + inst.own
  if inst.nothing == nil then missing = missing + 1 end
  if i == 50 then Base.size = 20 end
  if i == 70 then inst.size = 1 end  -- a new own field shadows the class's
end
print(acc, missing, inst.kind)

-- The table grows (rehash) while the loop stores new keys and reads old ones.
local grow = {first = 1}
local total = 0
for i = 1, 300 do
  grow["k" .. (i % 40)] = i
  total = total + grow.first + (grow.k0 or 0)
  if i % 50 == 0 then grow.first = grow.first + 1 end
end
local n = 0
for _ in pairs(grow) do n = n + 1 end
print(total, n, grow.k39, grow.first)

-- Globals are fields of _ENV: the same chains.
g1, g2, g3, g4, g5, g6, g7, g8 = 1, 2, 3, 4, 5, 6, 7, 8
for i = 1, 100 do
  g1 = g2 + g3 + g4 + g5 + g6 + g7 + g8 + i
  g8 = g1 % 13
end
print(g1, g8)
