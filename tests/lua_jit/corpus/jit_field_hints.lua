-- Field reads and writes whose node the trace takes from the recording (GETFIELD_H,
-- SETFIELD_H): objects of other layouts, tables that grew or were rebuilt, fields set to nil
-- (then __index and __newindex apply), keys that moved to another node.

local Base = {}
Base.__index = Base
function Base.describe(o) return "base" end

local function new_point(x, y) return {x = x, y = y} end
local function new_other(y, x, z) return {z = z, y = y, x = x} end  -- another insertion order

local function sum(objs)
  local s = 0
  for i = 1, #objs do
    local o = objs[i]
    s = s + o.x * 2 + o.y
    o.x = o.x + 1
  end
  return s
end

local objs = {}
for i = 1, 200 do
  if i % 3 == 0 then objs[i] = new_other(i, -i, 0) else objs[i] = new_point(i, i + 1) end
end
print(sum(objs), sum(objs))

-- Growing an object rebuilds its nodes: the recorded node may hold another key or none.
for i = 1, 200, 7 do
  local o = objs[i]
  for k = 1, 20 do o["extra" .. k] = k end
end
print(sum(objs))

-- A field set to nil: reads go on to __index, writes honour __newindex.
local log = {}
local Meta = {__index = function(t, k) return 1000 end,
              __newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end}
for i = 1, 200, 5 do
  local o = objs[i]
  o.y = nil
  setmetatable(o, Meta)
end
print(sum(objs), #log)

-- Writing a field of an object whose value is nil: through __newindex once, then stored.
local hits = 0
local Guard = {__newindex = function(t, k, v) hits = hits + 1; rawset(t, k, v) end}
local records = {}
for i = 1, 100 do records[i] = setmetatable({count = 0, name = "r" .. i}, Guard) end
for round = 1, 3 do
  for i = 1, 100 do
    local r = records[i]
    r.count = r.count + round
    if round == 2 and i % 10 == 0 then r.count = nil; r.count = 7 end
  end
end
local total = 0
for i = 1, 100 do total = total + records[i].count end
print(total, hits)

-- Methods from a class next to fields of the object itself.
local objs2 = {}
for i = 1, 100 do objs2[i] = setmetatable({v = i}, Base) end
local out = {}
for i = 1, 100 do
  local o = objs2[i]
  out[#out + 1] = o.v + #o:describe()
  if i == 50 then Base.describe = function() return "changed" end end
end
print(out[1], out[50], out[51], out[100])

-- Globals (GETTABUP_H): reassigned, set to nil, moved by a rehash of the globals table when
-- many new ones appear, and found through _ENV's __index once gone.
gcount = 0
gstep = 1
local gsum = 0
for i = 1, 300 do
  gsum = gsum + gstep + gcount
  gcount = gcount + 1
  if i == 100 then gstep = 2.5 end
  if i == 150 then for k = 1, 200 do _G["filler" .. k] = k end end
  if i == 200 then
    gstep = nil
    setmetatable(_G, {__index = function(_, k) return k == "gstep" and 10 or nil end})
  end
end
print(gsum, gcount)
setmetatable(_G, nil)
