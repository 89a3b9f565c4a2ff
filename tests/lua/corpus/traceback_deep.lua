-- Tracebacks of deep stacks: the first 10 levels, a line counting the skipped ones (one fewer
-- than are skipped, as the reference interpreter prints it), the last 11.
local function f(n)
  if n == 0 then local t = debug.traceback("x", 1) return t end
  return (f(n - 1))
end
for _, n in ipairs({8, 18, 19, 20, 21, 30, 100}) do print(n, f(n)) end
local function g(n) if n == 0 then return debug.traceback("tail", 1) end return (g(n - 1)) end
print(g(40))
local function h(n) if n == 0 then return debug.traceback("level 3", 3) end return (h(n - 1)) end
print(h(25))
print(debug.traceback("top", 1))
