-- A side trace that starts where a call returns to (its first uop checks that call site) and
-- then goes round the caller's loop back to its own start. A call the trace makes in that
-- loop through the interpreter (mix, taking all results into the constructor) moves the
-- frame's saved pc: the check, run again at the loop's start, failed, and its exit resumed
-- the frame at that stale pc, in the constructor, with the table's register holding another
-- value: the interpreter crashed. The check now runs only on entry.
-- with: CPJIT_LUA_HOT=3
-- with: CPJIT_LUA_SIDE=2
-- expect-stats: trace \d+ side \S*return_site_loop\.lua:22:
local function area(w, h) return w * h + 1 end
local function mix(a, b) local s = a + b return s * 0.5 - a end
local function outer(x) return area(x, 2) + area(x, 3) end

local s = 0
for i = 1, 400 do s = s + outer(i) end
assert(s == 401800, s)

local keep = {}
local sum = 0
for i = 1, 2000 do
  local v = area(i, 3)
  keep[i % 50 + 1] = {v, mix(v, 1)}
  sum = sum + keep[i % 50 + 1][2]
end
assert(#keep == 50 and keep[1][1] == 6001 and keep[50][2] == -2998.5, "wrong tables")
assert(sum == -3001500.0, sum)
print("ok", s, sum)
