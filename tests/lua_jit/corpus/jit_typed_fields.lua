-- Field loads that check the type of what they load (GETFIELD_H_F, _I, _T): fields whose type
-- changes while traces run, objects of another layout (the helper's answer must have the type
-- too), a field replaced by a string, and a load into the register that held the object.

local function new_body(x, y, m) return {x = x, y = y, mass = m} end
local bodies = {}
for i = 1, 40 do bodies[i] = new_body(i * 0.5, i * 0.25, i) end

local function energy(bs)
  local e = 0.0
  for i = 1, #bs do
    local b = bs[i]
    e = e + b.mass * (b.x * b.x + b.y * b.y)
  end
  return e
end
print("floats", energy(bodies))
bodies[10].x = 3            -- an integer where floats were
bodies[20] = {mass = 2, y = 1.5, x = 0.5, extra = true}  -- another layout: other nodes
print("mixed", energy(bodies))
bodies[30].y = "2.5"        -- a string: arithmetic converts it
print("string", energy(bodies))

-- A linked list walked with `node = node.next` (the load overwrites the object's register).
local head
for i = 1, 50 do head = {value = i, next = head} end
local function walk(node)
  local s = 0
  while node do
    s = s + node.value
    node = node.next
  end
  return s
end
print("list", walk(head))
head.next.next.value = 0.5  -- a float among integers
print("list float", walk(head))

-- Tables in fields, one replaced by a number.
local grid = {}
for i = 1, 30 do grid[i] = {cell = {v = i}} end
local function cells(g)
  local s = 0
  for i = 1, #g do
    local c = g[i].cell
    if type(c) == "table" then s = s + c.v else s = s + c end
  end
  return s
end
print("cells", cells(grid))
grid[7].cell = 100
print("cells number", cells(grid))

-- Floats stored into fields that hold floats (SETFIELD_HF), and into ones that hold an integer,
-- nil or a string at times: the store changes the field's type there.
local function drift(bs, dt)
  for i = 1, #bs do
    local b = bs[i]
    b.x = b.mass * dt + 0.5
  end
end
local ps = {}
for i = 1, 30 do ps[i] = new_body(i + 0.5, 0.0, i * 1.0) end
drift(ps, 0.25)
ps[5].x = 7
ps[6].x = nil
ps[7].x = "s"
drift(ps, 0.5)
local xs = {}
for i = 1, #ps do xs[#xs + 1] = string.format("%g:%s", ps[i].x, math.type(ps[i].x)) end
print(table.concat(xs, " ", 1, 10))
