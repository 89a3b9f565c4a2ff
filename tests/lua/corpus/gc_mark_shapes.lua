-- Shapes that the collector's marking walks differently: small and big array parts, one
-- object referred to from many places, long chains, wide and deep trees, fields and keys that
-- are the only references to their objects, closures and their upvalues. Everything built
-- survives several full collections with its contents intact.
local function tree(depth, tag)
  if depth == 0 then return {tag} end
  return {tree(depth - 1, tag .. "l"), tree(depth - 1, tag .. "r")}
end

local function leaves(t, out)
  if #t == 1 then out[#out + 1] = t[1] return out end
  leaves(t[1], out)
  leaves(t[2], out)
  return out
end

local shared = {name = "shared"}
local big = {}
for i = 1, 100000 do big[i] = shared end            -- one object, a hundred thousand times
local small = {}
for i = 1, 20000 do small[i] = {i, {i * 2}, "s" .. i} end  -- many small array parts
local chain = nil
for i = 1, 50000 do chain = {next = chain, v = "c" .. i} end  -- a long chain through fields
local keyed = {}
for i = 1, 30000 do keyed[{i}] = "k" .. (i % 100) end  -- keys that nothing else holds
local wide = {}
for i = 1, 1000 do wide["w" .. i] = {tree(3, "w" .. i)} end
local deep = tree(14, "")
local closures = {}
for i = 1, 5000 do
  local box = {i}
  closures[i] = function() return box[1] + #("u" .. i) end
end

local function check(round)
  for i = 1, #big, 997 do assert(big[i] == shared and big[i].name == "shared") end
  local sum = 0
  for i = 1, #small do
    local e = small[i]
    assert(e[1] == i and e[2][1] == i * 2 and e[3] == "s" .. i)
    sum = sum + e[2][1]
  end
  local n, c = 0, chain
  while c do
    n = n + 1
    assert(c.v == "c" .. (50001 - n))
    c = c.next
  end
  local keys, ksum = 0, 0
  for k, v in pairs(keyed) do
    keys = keys + 1
    ksum = ksum + k[1]
    assert(v == "k" .. (k[1] % 100))
  end
  for i = 1, 1000 do assert(leaves(wide["w" .. i][1], {})[8] == "w" .. i .. "rrr") end
  local l = leaves(deep, {})
  local csum = 0
  for i = 1, #closures do csum = csum + closures[i]() end
  print(round, sum, n, keys, ksum, #l, l[1], l[#l], csum)
end

for round = 1, 3 do
  collectgarbage()
  check(round)
  -- garbage of the same shapes between the rounds
  local junk = {}
  for i = 1, 20000 do junk[i] = {i, {i}} end
  junk = tree(10, "junk")
end
collectgarbage()
print(collectgarbage("count") > 0)
