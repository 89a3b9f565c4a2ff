-- Self tail calls (TAIL_FRAME_SELF_K<n>, _KT<n>): a function that tail-calls itself keeps its
-- frame. What the frame must still say afterwards: where the callee starts (line numbers in
-- errors), that it was entered through a tail call (tracebacks), and how many results its
-- caller wants.

-- Two, three and four values, a fixed count.
local function count1(n)
  if n == 0 then return 0 end
  return count1(n - 1)
end
local function count2(n, acc)
  if n == 0 then return acc end
  return count2(n - 1, acc + n)
end
local function count3(n, acc, step)
  if n <= 0 then return acc, step end
  return count3(n - step, acc + n, step)
end
local s1, s2, s3 = 0, 0, 0
for i = 1, 200 do
  s1 = s1 + count1(i % 40) + 1
  s2 = s2 + count2(i % 40, i)
  local acc, step = count3(i % 50, 0, i % 3 + 1)
  s3 = s3 + acc + step
end
print("fixed", s1, s2, s3)

-- The values end at the stack top (`return f(g())`): two of them, then sometimes three (the
-- third is dropped), counted where the tail call is recorded.
local function step(n, x)
  if n % 3 == 2 and n > 100 then return n - 1, x + 1, "extra" end
  return n - 1, x + n
end
local function walk(n, x)
  if n <= 0 then return x end
  return walk(step(n, x))
end
local sw = 0
for i = 1, 200 do sw = sw + walk(i % 30 + (i > 150 and 100 or 0), i) end
print("at top", sw)

-- Whatever count of results the first call wanted: one, all of them, two, none.
local function pair(n, a, b)
  if n == 0 then return a, b, a + b end
  return pair(n - 1, b, a)
end
local one, all, two, none = 0, 0, 0, 0
for i = 1, 200 do
  one = one + pair(i % 9, i, 1)
  local t = {pair(i % 8, 2, i)}
  all = all + #t + t[3]
  local x, y = pair(i % 7, i, 3)
  two = two + x * y
  pair(i % 5, 0, 0)
  none = none + 1
end
print("results", one, all, two, none)

-- In a function whose trace starts at its entry and follows its recursion (the frame it runs
-- in is the trace's own): after self tail calls the frame says it was entered through one
-- (tracebacks), and errors name the line the callee runs.
local tails, levels, seen = 0, 0, 0
local function ack(m, n, probe)
  if m == 0 then
    if n == probe then
      local tb = debug.traceback("tb", 1)
      seen = seen + 1
      -- The line after the running function's: whether it was entered through a tail call.
      local third = tb:match("^[^\n]*\n[^\n]*\n[^\n]*\n([^\n]*)")
      if third == "\t(...tail calls...)" then tails = tails + 1 else levels = levels + 1 end
    end
    return n + 1
  end
  if n == 0 then return ack(m - 1, 1, probe) end
  return ack(m - 1, ack(m, n - 1, probe), probe)
end
local total = 0
for i = 1, 12 do total = total + ack(2, i * 3, i * 2 + 1) end
print("ack", total, seen, tails, levels)
local function boom(m, n, limit)
  if m == 0 then
    if n == limit then error("boom at " .. n) end
    return n + 1
  end
  if n == 0 then return boom(m - 1, 1, limit) end
  return boom(m - 1, boom(m, n - 1, limit), limit)
end
local errs = {}
for i = 1, 40 do
  local ok, err = pcall(boom, 2, 9, i + 3)
  errs[#errs + 1] = tostring(ok) .. " " .. tostring(err)
end
print(errs[1])
print(errs[#errs])
print(#errs)
