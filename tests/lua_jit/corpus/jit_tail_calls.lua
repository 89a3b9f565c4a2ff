-- Tail calls in traces: fixed argument counts, arguments ending at the stack top (after a
-- call's results, which may pass too few), extra arguments, callers that make closures, deep
-- tail-call chains, and errors raised after a tail call.

local function add3(a, b, c) return a + b + c end
local function two() return 1, 2 end
local function one() return 5 end
local function none() end

-- Fixed counts: all passed, more than needed, fewer than needed (nil parameters).
local function all(x) return add3(x, 1, 2) end
local function extra(x) return add3(x, 1, 2, 99, 100) end
local function fewer(x) return add3(x, 1, x % 3 == 0 and 0 or 1) end
local function too_few(x) local function f(a, b) return (b or 0) + a end return f(x) end

-- Arguments ending at the stack top: two(), one() or none() give 2, 1 or 0 of them.
local function spread(x, k)
  if k == 0 then return add3(x, two()) end
  if k == 1 then return add3(x, 10, one()) end
  return (function(a, b, c) return a + (b or -1) + (c or -2) end)(x, none())
end

-- Ackermann-style: the inner call's results are the last argument.
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end

-- A caller that makes a closure before its tail call (upvalues may be open over its frame).
local function with_closure(x)
  local get = function() return x end
  return add3(get(), x, 1)
end

-- A long chain of tail calls between two functions.
local even, odd
function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end

local s1, s2, s3, s4, s5, s6 = 0, 0, 0, 0, 0, 0
for i = 1, 300 do
  s1 = s1 + all(i) + extra(i) + fewer(i)
  s2 = s2 + too_few(i)
  s3 = s3 + spread(i, i % 3)
  s4 = s4 + ack(2, i % 7)
  s5 = s5 + with_closure(i)
  if even(i % 50) then s6 = s6 + 1 end
end
print(s1, s2, s3, s4, s5, s6)

-- An error in the callee of a tail call: the traceback still shows the tail call.
local function bad(t) return t.x.y end
local function calls_bad(t) return bad(t) end
local hits = 0
for i = 1, 200 do
  local ok, err = pcall(calls_bad, i < 150 and {x = {y = i}} or {})
  if ok then hits = hits + err else hits = hits - 1 end
  if not ok and i == 150 then print((err:gsub("^.-:(%d+):", "line %1:"))) end
end
print(hits)
