-- Table constructors in traces ({}, {a}, {a, b}, {a, b, c} are made inline while the heap is
-- below the next collection), across collections and with the collector stopped.
local function build(n)
  local all = {}
  for i = 1, n do
    local e = {}
    local one = {i}
    local two = {i, -i}
    local three = {i, i * 2, i * 3}
    local four = {i, i, i, i}
    e.one, e.two, e.three, e.four = one, two, three, four
    all[#all + 1] = e
  end
  return all
end

local function check(all)
  local sum, lens = 0, 0
  for i = 1, #all do
    local e = all[i]
    sum = sum + e.one[1] + e.two[1] + e.two[2] + e.three[3] + e.four[4]
    lens = lens + #e.one + #e.two + #e.three + #e.four
    if e.two[3] ~= nil or e.three[4] ~= nil or next({}) ~= nil then error("not empty") end
  end
  return sum, lens
end

for round = 1, 5 do
  local all = build(3000)
  collectgarbage()
  print(round, #all, check(all))
end

-- With the collector stopped, every table counts towards the heap.
collectgarbage("stop")
local before = collectgarbage("count")
local kept = build(2000)
local after = collectgarbage("count")
collectgarbage("restart")
print("grew", after - before > 2000 * 5 * 32 / 1024, check(kept))
kept = nil
collectgarbage()

-- Trees, the tables of one level holding those of the next.
local function tree(d)
  if d == 0 then return {} end
  return {tree(d - 1), tree(d - 1)}
end
local function count(t)
  if t[1] then return 1 + count(t[1]) + count(t[2]) end
  return 1
end
local total = 0
for i = 1, 40 do total = total + count(tree(8)) end
print("trees", total)
