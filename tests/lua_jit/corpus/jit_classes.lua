-- Methods and fields found through __index chains (objects, classes, base classes) in traces:
-- one, two and three levels, overrides, polymorphic call sites, fields that are nil all the
-- way up, an __index function at the end of a chain, and classes changed while traces run.
local Base = {}
Base.__index = Base
function Base.new(v) return setmetatable({v = v}, Base) end
function Base:get() return self.v end
function Base:kind() return "base" end
function Base:twice() return 2 * self:get() end

local function subclass(parent)
  local c = setmetatable({}, {__index = parent})
  c.__index = c
  return c
end
local Mid = subclass(Base)
function Mid:get() return self.v + 100 end
local Leaf = subclass(Mid)
function Leaf:kind() return "leaf" end
local Deep = subclass(Leaf)
local Deeper = subclass(Deep)

local objects = {}
for i = 1, 40 do
  local class = ({Base, Mid, Leaf, Deep, Deeper})[i % 5 + 1]
  objects[i] = setmetatable({v = i}, class)
end
local sum, kinds, missing = 0, {}, 0
for round = 1, 50 do
  for i = 1, #objects do
    local o = objects[i]
    sum = sum + o:twice() + o:get()
    kinds[o:kind()] = (kinds[o:kind()] or 0) + 1
    if o.nothing == nil then missing = missing + 1 end
  end
  if round == 25 then
    function Mid:get() return self.v + 1000 end  -- a method changes while traces run
    Leaf.extra = "x"
  end
end
print("classes", sum, kinds.base, kinds.leaf, missing, Deeper.extra)

-- The end of a chain is a function: every miss calls it.
local calls = 0
local Lazy = setmetatable({}, {__index = function(t, k) calls = calls + 1 return k .. "!" end})
Lazy.__index = Lazy
local lazy_obj = setmetatable({}, Lazy)
local got = {}
for i = 1, 30 do got[#got + 1] = lazy_obj["k" .. (i % 3)] .. lazy_obj.fixed end
print("lazy", calls, got[1], got[30])

-- An object whose own field shadows its class's, added and removed while a loop runs.
local Point = {}
Point.__index = Point
Point.x = 0
local p = setmetatable({}, Point)
local xs = 0
for i = 1, 60 do
  if i == 20 then p.x = 5 end
  if i == 40 then p.x = nil end
  xs = xs + p.x
end
print("shadow", xs)
