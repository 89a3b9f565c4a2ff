-- An array of integers and floats mixed, summed in a loop: the element's type changes on every
-- pass. The loop's trace checks one type where it loads; the side trace for the other type must
-- not check its own type there too, or each would make the next, a chain of side traces each
-- looping on one type, up to the tree's limit (51 traces before; 6 now).
-- expect-at-most: 10 tier 2 \(jit\):
-- expect-stats: trace \d+ root \S*mixed_array_types\.lua:11:
local t = {}
for i = 1, 100 do t[i] = (i % 2 == 0) and i or i + 0.5 end
local s = 0
for _ = 1, 20000 do
  for i = 1, #t do s = s + t[i] * 2 end
end
print(s)
