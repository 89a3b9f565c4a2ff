-- A side trace that starts in a function (where its loop ends) returns to the caller and
-- reaches a loop there that has no trace yet. It must end at that loop, which then gets a root
-- trace of its own, rather than go round it until the side trace is too long (it did: a
-- thousand uops of unrolled loop, compiled, and the loop's own trace only after that).
-- with: CPJIT_LUA_HOT=2
-- with: CPJIT_LUA_SIDE=2
-- expect-stats: trace \d+ root \S*loop_after_return\.lua:19:
-- expect-absent: ended at: trace too long
-- expect-absent: side \S*loop_after_return\.lua:\d+: \d{3,} bytecodes
local function show(t, n)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = tostring(t[i]) end
  return table.concat(parts, " ")
end

local rows = {{1, 2, 3}, {4, 5, 6}, "str", {7, 8, 9}}
print(show(rows[1], 3), show(rows[2], 3), show(rows[4], 3), rows[2][2.5])
local s = 0
for k = 1, 3000 do s = s + k % 7 end
print(s)
