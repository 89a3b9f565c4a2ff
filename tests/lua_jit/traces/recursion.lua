-- A doubly recursive function gets a trace at its entry, and its calls and returns stay in
-- traces (the trace's frame moves with them), so that the interpreter enters a trace only a
-- few times instead of once per call.
-- expect-stats: trace 1 entry \S*recursion\.lua:\d+
-- expect-at-most: 200 trace entries
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end
print(fib(24))
