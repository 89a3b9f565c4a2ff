-- Heapsort's sift swaps elements of a table that is an upvalue: the swap is one uop (SWAPI)
-- after the table is loaded from the upvalue, whose type is checked then (a check of what the
-- register held before the load, a float, failed every time: the trace left at each swap).
-- expect-stats: trace 1 root
-- expect-at-most: 2000 trace entries
local function heapsort(a, count)
  local function sift(start, stop)
    local root = start
    while true do
      local child = root * 2
      if child > stop then return end
      if child + 1 <= stop and a[child] < a[child + 1] then child = child + 1 end
      if a[root] < a[child] then
        a[root], a[child] = a[child], a[root]
        root = child
      else
        return
      end
    end
  end
  for start = count // 2, 1, -1 do sift(start, count) end
  for stop = count, 2, -1 do
    a[1], a[stop] = a[stop], a[1]
    sift(1, stop - 1)
  end
end

local seed = 42
local a = {}
for i = 1, 100000 do
  seed = (seed * 3877 + 29573) % 139968
  a[i] = seed / 139968
end
heapsort(a, #a)
for i = 2, #a do assert(a[i - 1] <= a[i]) end
print(a[1], a[#a])
