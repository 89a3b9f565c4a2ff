-- A loop of three iterations inside another: the inner loop's root trace must form even though
-- every third recording attempt ends the loop (a retry that waited for the hotness threshold
-- again locked onto that phase and never compiled), and the outer loop runs in side traces
-- linked around it, so that the interpreter enters a trace only a few times.
-- expect-stats: trace 1 root \S*short_inner_loop\.lua:\d+
-- expect-at-most: 100 trace entries
local x = 0
for i = 1, 100000 do
  for j = 1, 3 do x = x + j end
  x = x - 1
  if x > 1000000 then x = 0 end
end
print(x)
