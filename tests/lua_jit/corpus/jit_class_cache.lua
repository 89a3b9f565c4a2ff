-- Method lookups through classes keep their answers while the classes stay as they were: every
-- way a class, a base class or a metatable can change between two lookups from the same place
-- must be seen by the next one.

local function class(base)
  local c = {}
  c.__index = c
  if base then setmetatable(c, {__index = base}) end
  return c
end

local Base = class()
function Base:name() return "base" end
function Base:value() return 1 end
local Derived = class(Base)
function Derived:value() return 2 end

-- Each answer seen, with how many times in a row.
local function run(objs, n, between)
  local out, last, times = {}, nil, 0
  for i = 1, n do
    local o = objs[(i - 1) % #objs + 1]
    local got = o:name() .. ":" .. tostring(o:value())
    if got ~= last then
      if last then out[#out + 1] = last .. "x" .. times end
      last, times = got, 0
    end
    times = times + 1
    if between then between(i) end
  end
  out[#out + 1] = last .. "x" .. times
  return table.concat(out, " ")
end

local d = setmetatable({}, Derived)
local b = setmetatable({}, Base)
print("plain", run({d, b}, 100))

-- A method replaced in the base class, in the class, then removed from the class.
print("replace base", run({d}, 100, function(i) if i == 40 then function Base:name() return "BASE" .. i end end end))
print("replace class", run({d}, 100, function(i) if i == 50 then Derived.value = function() return 22 end end end))
print("remove from class", run({d}, 100, function(i) if i == 60 then Derived.value = nil end end))
print("shadow base", run({d}, 100, function(i) if i == 70 then Derived.name = function() return "derived" end end end))

-- The same through rawset, a key in a register, and a new metatable for the class.
print("rawset", run({d}, 100, function(i) if i == 30 then rawset(Derived, "value", function() return 33 end) end end))
local key = "val" .. "ue"
print("register key", run({d}, 100, function(i) if i == 35 then Derived[key] = function() return 35 end end end))
local Other = class()
function Other:name() return "other" end
function Other:value() return "o" end
local Leaf = class(Base)
local leaf = setmetatable({}, Leaf)
print("new base", run({leaf}, 100, function(i) if i == 45 then setmetatable(Leaf, {__index = Other}) end end))
local meta = getmetatable(Leaf)
print("new __index", run({leaf}, 100, function(i) if i == 55 then meta.__index = Base end end))
print("object's new class", run({leaf}, 100, function(i) if i == 25 then setmetatable(leaf, Other) end end))

-- Objects that get their own field with the method's name, then lose it again (nil).
local e = setmetatable({}, Derived)
print("own field", run({e}, 100, function(i)
  if i == 20 then e.value = function() return "own" end end
  if i == 60 then e.value = nil end
end))

-- More classes at one place than it keeps answers for, and objects without a metatable.
local classes = {}
for k = 1, 7 do
  local c = class(Base)
  c.value = function() return 100 + k end
  classes[k] = setmetatable({}, c)
end
print("seven classes", run(classes, 200))
local plain = {}
local function probe(objs, n)
  local s = 0
  for i = 1, n do
    local o = objs[(i - 1) % #objs + 1]
    if o.missing == nil then s = s + 1 end
    local f = o.value
    s = s + (f and 1 or 0)
  end
  return s
end
print("no metatable", probe({d, plain, b, plain}, 200))

-- A class changed inside the loop every time (a counter kept in the class).
local Counted = class(Base)
Counted.count = 0
function Counted:bump() Counted.count = Counted.count + 1; return Counted.count end
local c = setmetatable({}, Counted)
local last
for _ = 1, 300 do last = c:bump() + c:value() end
print("counted", last, Counted.count)

-- Classes made, used and collected one after another: a new class takes the address of a
-- collected one (the allocator reuses it first), and must not get its answers.
local function use(o) return o:get() end
local getters = {}
for g = 1, 50 do getters[g] = function() return g end end
local sum = 0
for n = 1, 400 do
  local fresh = {}
  fresh.__index = fresh
  fresh.get = getters[n % 50 + 1]
  local o = setmetatable({}, fresh)
  sum = sum + use(o)
  fresh, o = nil, nil
  collectgarbage()
end
print("fresh classes", sum)

-- Classes changed by the loop's own stores, between lookups in the same iteration: a method
-- swapped, a float field of the class, a field named by a string in a register.
local K = class(Base)
function K:get() return 1 end
local k = setmetatable({}, K)
local fns = {function() return 10 end, function() return 20 end}
local acc = 0
for i = 1, 300 do
  acc = acc + k:get()
  K.get = fns[i % 2 + 1]
end
print("swapped in the loop", acc)
K.rate = 0.5
local rates = 0
for _ = 1, 300 do
  rates = rates + k.rate
  K.rate = K.rate + 0.25
end
print("class float field", rates, K.rate)
local names = {"alpha", "beta"}
K.alpha, K.beta = 0, 0
local seen = 0
for i = 1, 300 do
  local name = names[i % 2 + 1]
  K[name] = i
  seen = seen + k.alpha + k.beta
end
print("named in a register", seen, K.alpha, K.beta)
