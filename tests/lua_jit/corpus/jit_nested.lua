-- Loops inside called functions: the caller's trace goes on in the inner loop's trace (the
-- called function's frame becomes the trace's own), the inner loop's exits return to the
-- caller in traces. Upvalues, early returns, several shapes of loops, errors.
local scale = 3
local function sum_for(t, n)
  local s = 0
  for i = 1, n do s = s + t[i] * scale end  -- an upvalue inside the inner loop
  return s
end
local function find_while(t, x)
  local i = 1
  while t[i] do
    if t[i] == x then return i end  -- returns from inside the loop
    i = i + 1
  end
  return nil
end
local function count_repeat(n)
  local k, c = n, 0
  repeat
    k = k // 2
    c = c + 1
  until k == 0
  return c
end
local t = {}
for i = 1, 64 do t[i] = i % 7 end
local total, found, bits = 0, 0, 0
for j = 1, 3000 do
  total = total + sum_for(t, j % 64 + 1)
  found = found + (find_while(t, j % 9) or 100)
  bits = bits + count_repeat(j)
  if j == 1500 then scale = 0.5 end  -- the upvalue changes type
end
print("nested", total, found, bits)

-- Two levels of calls, each with its own loop, called from a loop.
local function row(m, r, n)
  local s = 0
  for c = 1, n do s = s + m[r][c] end
  return s
end
local function matrix_sum(m, n)
  local s = 0
  for r = 1, n do s = s + row(m, r, n) end
  return s
end
local m = {}
for r = 1, 12 do m[r] = {} for c = 1, 12 do m[r][c] = r * c end end
local grand = 0
for k = 1, 400 do grand = grand + matrix_sum(m, k % 12 + 1) end
print("matrix", grand)

-- An error inside an inner loop of a called function, caught by the caller's loop.
local function risky(t, n)
  local s = 0
  for i = 1, n do s = s + t[i] end
  return s
end
local errors = 0
for j = 1, 300 do
  local data = {1, 2, 3, 4, 5, 6, 7, 8}
  if j % 50 == 0 then data[5] = "x" .. j end
  local ok, err = pcall(risky, data, 8)
  if not ok then
    errors = errors + 1
    if errors <= 2 then print("error", err) end
  end
end
print("errors", errors)
