-- Fields that traces find through the nodes the recording walked (GETFIELD_C1, _C2 and their
-- nil-ending forms) while those nodes change under them: objects whose key filter is crowded,
-- classes rebuilt by growth, __index retargeted, metatables swapped, methods removed and
-- shadowed, fields that are nil everywhere until a base class gains them.

local function subclass(parent)
  local c = setmetatable({}, {__index = parent})
  c.__index = c
  return c
end

local Base = {}
Base.__index = Base
function Base:name() return "base" end
function Base:value() return self.v end
local Mid = subclass(Base)
function Mid:name() return "mid" end
local Leaf = subclass(Mid)

-- Objects with many fields: their key filters have most bits set, so a method key may look
-- present and the object itself must be searched.
local function crowded(class, v)
  local o = {v = v}
  for k = 1, 48 do o["f" .. k] = k end
  return setmetatable(o, class)
end

local objs = {}
for i = 1, 30 do
  objs[i] = (i % 3 == 0) and crowded(Leaf, i) or setmetatable({v = i}, i % 3 == 1 and Mid or Leaf)
end

local function survey(round)
  local names, total, missing = {}, 0, 0
  for i = 1, #objs do
    local o = objs[i]
    names[o:name()] = (names[o:name()] or 0) + 1
    total = total + o:value()
    if o.color == nil then missing = missing + 1 else total = total + #o.color end
  end
  local keys = {}
  for k, n in pairs(names) do keys[#keys + 1] = k .. "=" .. n end
  table.sort(keys)
  print(round, table.concat(keys, " "), total, missing)
end

for round = 1, 4 do survey("plain " .. round) end

-- The classes grow: their hash parts are rebuilt and every recorded node may have moved.
for k = 1, 40 do
  Mid["m" .. k] = k
  Base["b" .. k] = k
end
for round = 1, 3 do survey("grown " .. round) end

-- A field nil all the way up appears in the base class, then in the middle one.
Base.color = "red"
survey("base color")
Mid.color = "green!"
survey("mid color")

-- A method removed from the middle class: the base class's shows through.
Mid.name = nil
survey("mid name removed")

-- An object's own field shadows its class's method.
objs[2].name = function() return "own" end
survey("shadowed")
objs[2].name = nil

-- The middle class's metatable now has __index pointing elsewhere.
local Other = {name = function() return "other" end, value = function(self) return -self.v end}
getmetatable(Mid).__index = Other
survey("retargeted")

-- __index becomes a function at the end of the chain.
local misses = 0
getmetatable(Mid).__index = function(t, k)
  misses = misses + 1
  if k == "name" then return function() return "fn" end end
  if k == "value" then return function(self) return 0 end end
  return nil
end
survey("function index")
print("misses", misses > 0)

-- Objects move to another class of another depth.
for i = 1, #objs do setmetatable(objs[i], i % 2 == 0 and Base or Leaf) end
survey("moved")

-- A base class that gains a metatable: a nil-ending chain goes on past it.
setmetatable(Base, {__index = function(t, k) if k == "color" then return nil end return nil end})
Base.color = nil
survey("base meta")
setmetatable(Base, {__index = {color = "blue"}})
survey("base meta table")
