-- Heapsort of pseudo-random floats: array indexing and comparisons.
-- usage: heapsort.lua N
local n = tonumber(arg and arg[1]) or 10000

local IM, IA, IC = 139968, 3877, 29573
local last = 42
local function random(max)
  last = (last * IA + IC) % IM
  return max * last / IM
end

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
  for start = math.floor(count / 2), 1, -1 do sift(start, count) end
  for stop = count, 2, -1 do
    a[1], a[stop] = a[stop], a[1]
    sift(1, stop - 1)
  end
end

local a = {}
for i = 1, n do a[i] = random(1.0) end
heapsort(a, n)
for i = 2, n do
  if a[i - 1] > a[i] then error("not sorted at " .. i) end
end
print(string.format("%.10f %.10f %.10f", a[1], a[math.floor(n / 2)], a[n]))
