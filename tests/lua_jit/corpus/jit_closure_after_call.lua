-- Upvalues read after a uop has called a helper: the trace's closure is not kept in a register
-- across calls but loaded again (L->jit_closure), and the frames a trace moves through update
-- it. Each loop appends to a table (a store that calls a helper when the array grows) and reads
-- upvalues after it, in a vararg function (whose frame keeps its extra arguments below its
-- base), in a recursive function (its frames become the trace's own), in a tail-calling chain,
-- and around a call that runs another trace of another closure.
local function make(scale, ...)
  local extra = select('#', ...)
  local seen = {}
  local total = 0
  return function(n, ...)
    local out = {}
    for i = 1, n do
      out[#out + 1] = i * scale          -- grows the array: the store's helper call
      total = total + out[#out] + extra  -- upvalues after the call
      seen[#seen + 1] = select('#', ...)
    end
    return total, #seen
  end
end

local a = make(2, 'x', 'y')
local b = make(3)
for round = 1, 30 do
  local ta, sa = a(50, 1, 2, 3)
  local tb, sb = b(40)
  if round % 10 == 0 then print('vararg', round, ta, sa, tb, sb) end
end

-- Recursion: each level's frame is the trace's own while it runs.
local depth_log = {}
local base = 7
local function walk(k, acc)
  depth_log[#depth_log + 1] = k
  if k == 0 then return acc + base end
  return walk(k - 1, acc + k * base) + 1
end
local s = 0
for i = 1, 200 do s = s + walk(i % 13, 0) end
print('recursion', s, #depth_log)

-- Tail calls through closures with their own upvalues.
local function chain(m)
  local hits = {}
  local function last(x) hits[#hits + 1] = x; return x * m + #hits end
  local function mid(x) hits[#hits + 1] = -x; return last(x + 1) end
  return function(x) return mid(x) end, hits
end
local f, hits = chain(5)
local t = 0
for i = 1, 300 do t = t + f(i) end
print('tail', t, #hits)

-- A loop calling a function whose own loop becomes a trace of another closure.
local function inner_sum(v)
  local acc = 0
  for j = 1, #v do acc = acc + v[j] end
  return acc
end
local rows = {}
local scale = 4
local grand = 0
for i = 1, 120 do
  rows[#rows + 1] = i
  grand = grand + inner_sum(rows) * scale  -- an upvalue-free frame, then this chunk's locals
end
print('nested', grand, #rows)
