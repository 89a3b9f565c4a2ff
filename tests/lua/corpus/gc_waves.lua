-- Waves of objects that live through several collections and then die together: the
-- collector's record of objects grows with a wave and shrinks after it, and every survivor
-- keeps its contents whatever died around it.
local function wave(n, tag)
  local t = {}
  for i = 1, n do
    if i % 3 == 0 then
      t[i] = {i, tag .. ("-long-string-above-the-interning-limit-"):rep(2) .. i}
    elseif i % 3 == 1 then
      local v = i
      t[i] = function() return v + #tag end
    else
      t[i] = {k = i, s = tag .. i}
    end
  end
  return t
end

local function check(t, n, tag)
  local sum = 0
  for i = 1, n do
    local x = t[i]
    if i % 3 == 0 then
      assert(x[1] == i and x[2]:sub(-#tostring(i)) == tostring(i) and #x[2] > 80)
      sum = sum + x[1]
    elseif i % 3 == 1 then
      sum = sum + x() - #tag
    else
      assert(x.s == tag .. i)
      sum = sum + x.k
    end
  end
  return sum
end

local kept = wave(1000, "keep")
for round = 1, 4 do
  local big = wave(150000, "w" .. round)
  -- garbage in between, so that collections run while the wave is alive
  for i = 1, 100000 do local _ = {i} end
  collectgarbage()
  print(round, check(big, 150000, "w" .. round), check(kept, 1000, "keep"))
  big = nil
  collectgarbage()
  local small = wave(300, "s" .. round)
  print(round, check(small, 300, "s" .. round), check(kept, 1000, "keep"))
end
print(collectgarbage("count") < 4096)
