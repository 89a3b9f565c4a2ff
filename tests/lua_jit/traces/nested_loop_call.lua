-- A loop calling a function that has a hot loop of its own: the caller's trace goes on in
-- the inner loop's trace (the callee's frame becomes the trace's own), and the inner loop's
-- exit returns to the caller in a trace, so that the interpreter enters a trace only a few
-- times instead of twice per outer iteration.
-- expect-stats: trace \d+ root \S*nested_loop_call\.lua:\d+
-- expect-at-most: 60 trace entries
local function inner(t, n)
  local s = 0
  for i = 1, n do s = s + t[i] end
  return s
end
local t = {}
for i = 1, 100 do t[i] = i end
local total = 0
for j = 1, 100000 do total = total + inner(t, 100) end
print(total)
