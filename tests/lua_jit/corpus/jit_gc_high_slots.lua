-- Collections inside traces while an inlined call's registers lie above the running frame's
-- top (calls whose frames the trace did not push, and calls that returned): the trace keeps
-- values and their types there from one iteration to the next, and a collection must leave
-- them alone. Rows grow as they are filled, so the stores allocate and collect.
local function matrix(n, m, f)
  local a = {}
  for i = 1, n do a[i] = {} for j = 1, m do a[i][j] = f(i, j) end end
  return a
end
local add = function(i, j) return i + j end
local mulf = function(i, j) return i * j * 0.5 end
local junk = {}
local bad = 0
for round = 1, 40 do
  local n = 3 + round % 5
  local a = matrix(n, n + 30, add)
  local b = matrix(n, n + 30, mulf)
  for i = 1, n do
    for j = 1, n + 30 do
      if a[i][j] ~= i + j or b[i][j] ~= i * j * 0.5 then bad = bad + 1 end
    end
  end
  junk[round % 7 + 1] = {a, b, tostring(round):rep(100)}
end
print("wrong elements", bad)
