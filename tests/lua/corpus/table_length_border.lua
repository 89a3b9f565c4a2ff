-- The length of a table whose array part has nils: appends, pops, table.insert and
-- table.remove move the border one at a time; jumps, holes and resizes move it further.
-- Where several borders exist any of them is a valid answer, so those cases check the border
-- property rather than a number.
local function is_border(t, n)
  return (n == 0 or t[n] ~= nil) and t[n + 1] == nil
end

-- a stack that grows and shrinks: # follows the count
local t, count, sum = {}, 0, 0
for round = 1, 6 do
  for i = 1, 300 * round do
    t[#t + 1] = i
    count = count + 1
    assert(#t == count)
  end
  for _ = 1, 200 * round do
    sum = sum + t[#t]
    t[#t] = nil
    count = count - 1
    assert(#t == count)
  end
end
print("stack", count, sum, #t)

-- table.insert and table.remove at the end and in the middle
local q = {}
for i = 1, 1000 do table.insert(q, i) end
for i = 1, 500 do table.insert(q, 1, -i) end
local removed = 0
for _ = 1, 700 do removed = removed + table.remove(q) end
for _ = 1, 300 do removed = removed + table.remove(q, 1) end
print("queue", #q, q[1], q[#q], removed)

-- the array part is emptied and filled again from the front
local r = {}
for i = 1, 64 do r[i] = i end
for i = 64, 1, -1 do r[i] = nil assert(#r == i - 1) end
for i = 1, 40 do r[i] = i assert(#r == i) end
print("refill", #r)

-- the border moves by two and three between two lengths
local d = {}
for i = 1, 100 do d[i] = i end
assert(#d == 100)
for n = 100, 10, -5 do
  d[n], d[n - 1] = nil, nil
  assert(#d == n - 2)
  d[n - 2], d[n - 3], d[n - 4] = nil, nil, nil
  assert(#d == n - 5)
end
for n = 1, 30 do d[n] = n end
for n = 31, 60, 3 do
  d[n], d[n + 1], d[n + 2] = n, n, n
  assert(#d == n + 2)
end
print("steps", #d)

-- holes: whatever border is found must be one
local h = {}
for i = 1, 200 do h[i] = i end
local checked = 0
for step = 1, 50 do
  h[(step * 37) % 200 + 1] = nil
  local n = #h
  assert(is_border(h, n), "not a border: " .. n)
  h[n + 1] = step  -- fills the border's hole: the next # must find another one
  assert(is_border(h, #h))
  checked = checked + 1
end
print("holes", checked)

-- a jump over a hole
local j = {1, 2, 3, nil, 5, 6, nil, nil}
for i = 9, 16 do j[i] = nil end
assert(is_border(j, #j))
j[4] = 4
assert(is_border(j, #j))
j[7], j[8] = 7, 8
assert(#j == 8 or is_border(j, #j))
print("jump", is_border(j, #j))
