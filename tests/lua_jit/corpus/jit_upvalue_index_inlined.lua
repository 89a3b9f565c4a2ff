-- An inlined closure reads an upvalue table by index (GETI_FUP, GETI_FUPK and their typed
-- forms): the table read from the closure found in its call's slot, the upvalue never
-- written to a register. Each exit resumes at the GETUPVAL: the upvalue turning into a number
-- or another table, keys outside the array part, values changing type.
local function make(t)
  local function at(i) return t[i] end
  local function first() return t[1] end
  local function sum2(i) return t[i] + t[i + 1] end
  local function set(v) t = v end
  return at, first, sum2, set
end

local data = {}
for i = 1, 64 do data[i] = i * 1.5 end
local at, first, sum2, set = make(data)

local s = 0
for i = 1, 60 do s = s + at(i) + first() + sum2(i) end
print("floats", s)

-- integers now: the typed forms leave and the interpreter goes on
for i = 1, 64 do data[i] = i end
s = 0
for i = 1, 60 do s = s + at(i) + first() + sum2(i) end
print("integers", s)

-- keys past the array part (nil, then an error in the addition, caught)
s = 0
for i = 1, 70 do
  local v = at(i)
  if v then s = s + v else s = s + 1000 end
end
print("past the end", s)
print(pcall(function()
  local acc = 0
  for i = 60, 70 do acc = acc + sum2(i) end
  return acc
end))

-- the upvalue turns into another table half way, then into a number
local other = {}
for i = 1, 64 do other[i] = -i end
s = 0
for i = 1, 60 do
  if i == 30 then set(other) end
  s = s + at(i) + first()
end
print("switched", s)
set(42)
print(pcall(function()
  local acc = 0
  for i = 1, 10 do acc = acc + at(i) end
  return acc
end))
