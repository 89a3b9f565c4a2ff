-- pairs() and ipairs() calls inlined (their iterator triple), nested generic loops, __pairs, a
-- metatable met in the middle, ipairs over values that are not tables.
local grid = {}
for i = 1, 30 do grid[i] = {i, i + 1, i + 2, x = i} end
local s = 0
for round = 1, 40 do
  for _, row in ipairs(grid) do
    for j, v in ipairs(row) do s = s + j * v end
    for k, v in pairs(row) do if k == "x" then s = s + v end end
  end
end
print(s)
-- __pairs and a metatable met in the middle; ipairs over a non-table errors in the iterator
local proxy = setmetatable({}, {__pairs = function(t) return function(_, k) if not k then return 1, "one" end end, t, nil end})
local seen = 0
for round = 1, 60 do
  local t = round > 40 and proxy or {a = 1, b = 2}
  for k, v in pairs(t) do seen = seen + #tostring(v) end
end
print(seen)
local f = pairs({})
local g, h, i0 = ipairs("str")
print(f == next, h, i0)
print(pcall(function() for _ in ipairs(5) do end end))
