-- Order comparisons in traces beyond two integers or two floats: strings (embedded zeros, the
-- empty string), an integer against a float near 2^53, NaN, infinities; a sort comparator.
local words = {"pear", "apple", "fig", "apple", "banana", "kiwi", "Zebra", "a\0b", "a\0a", ""}
local c = 0
for round = 1, 100 do
  for i = 1, #words do
    for j = 1, #words do
      if words[i] < words[j] then c = c + 1 end
      if words[i] <= words[j] then c = c + 2 end
    end
  end
end
print(c)
local nums = {1, 2.5, -3, 2^53, 2^53 + 1, 9007199254740993, -0.0, 0, 1/0, -1/0, 0/0, 3}
local m = 0
for round = 1, 50 do
  for i = 1, #nums do
    for j = 1, #nums do
      if nums[i] < nums[j] then m = m + 1 end
      if nums[i] <= nums[j] then m = m + 3 end
    end
  end
end
print(m)
local list = {}
for i = 1, 200 do list[i] = tostring((i * 7919) % 1000) end
table.sort(list, function(a, b) return a < b end)
print(list[1], list[100], list[200])
print(pcall(function() local r = 0 for i = 1, 60 do if (i < 50 and "a" or 1) < "b" then r = r + 1 end end return r end))
