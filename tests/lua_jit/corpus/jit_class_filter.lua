-- Method lookups through classes on objects with many fields: an object's key filter then
-- often says "maybe" for a method it does not hold. The trace must still find the method in
-- the class, an object's own field of that name when it has one, and the class's method again
-- when that field is set to nil.

local Base = {}
Base.__index = Base
function Base:area() return self.w * self.h end
function Base:name() return "base" end
local Shape = setmetatable({}, {__index = Base})
Shape.__index = Shape
function Shape:name() return "shape" end

local function new(i)
  local o = setmetatable({w = i % 7 + 1, h = i % 5 + 1}, Shape)
  -- Forty more fields: most bits of the key filter are set.
  for k = 1, 40 do o["field" .. k] = k * i end
  return o
end

local objs = {}
for i = 1, 64 do objs[i] = new(i) end
-- Some objects hold fields named like the methods: their own values win.
for i = 5, 64, 9 do objs[i].name = "own" .. i end
for i = 7, 64, 11 do objs[i].area = function(self) return -1 end end

local function sweep(round)
  local total, names = 0, {}
  for i = 1, #objs do
    local o = objs[i]
    total = total + o:area()
    local n = o.name
    if type(n) == "function" then n = o:name() end
    names[n] = (names[n] or 0) + 1
  end
  local keys = {}
  for k, c in pairs(names) do keys[#keys + 1] = k .. "=" .. c end
  table.sort(keys)
  return total, table.concat(keys, " ")
end

for round = 1, 12 do
  local total, names = sweep(round)
  print(round, total, names)
  if round == 4 then
    -- Own fields set to nil: the key stays in the object with a nil value, and the class
    -- answers again.
    for i = 5, 64, 9 do objs[i].name = nil end
  elseif round == 8 then
    for i = 7, 64, 11 do objs[i].area = nil end
    for i = 1, 64, 4 do objs[i].name = "late" .. i end
  end
end
