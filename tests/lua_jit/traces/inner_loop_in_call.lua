-- Heapsort: a loop calls a function whose loop runs a few iterations and returns from inside.
-- The outer loop's side traces reach the inner loop's back edge inside the inlined call; they
-- follow it once more, to the inner loop's head, where they link to its trace (which forms
-- from there): the interpreter enters traces a few thousand times, not once per call (100000
-- times when those side traces ended at the back edge). Its swap reads the table from an
-- upvalue into a register (one SWAPI after it): the type check of that register must look at
-- the table, not at what the register held before (a number: 173844 entries when it did).
-- expect-stats: trace \d+ root \S*inner_loop_in_call\.lua:\d+
-- expect-at-most: 10000 trace entries
local a = {}
local last = 42
for i = 1, 200000 do
  last = (last * 3877 + 29573) % 139968
  a[i] = last
end
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
local count = #a
for start = count // 2, 1, -1 do sift(start, count) end
for stop = count, 2, -1 do
  a[1], a[stop] = a[stop], a[1]
  sift(1, stop - 1)
end
print(a[1], a[count // 2], a[count])
