-- Recursive functions: traces that start at a function's entry and follow its calls and
-- returns (the trace's frame moves with them). Every case runs often enough to get traces at
-- low thresholds, and changes something (types, closures, call sites, errors) on the way.

-- Doubly recursive, through an upvalue.
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end
for i = 0, 20, 4 do print("fib", i, fib(i)) end
-- The same function with floats after integers (the type guards at its entry fail).
print("fib float", fib(15.0), math.type(fib(10.0)))

-- Through a global.
function gsum(n)
  if n == 0 then return 0 end
  return n + gsum(n - 1)
end
print("gsum", gsum(100), gsum(2000))

-- Tail calls in the function's own frame, and results passed on as arguments.
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
for n = 0, 5 do print("ack", 2, n, ack(2, n)) end
print("ack", 3, 4, ack(3, 4))

-- Several results, and a caller that wants fewer or more of them.
local function pair(n)
  if n == 0 then return 1, 2 end
  local a, b = pair(n - 1)
  return b, a + b
end
for n = 1, 30, 7 do print("pair", n, pair(n)) end
local function three(n)
  if n == 0 then return 1, 2, 3 end
  local x = three(n - 1)
  return x + 1, x * 2
end
print("three", three(12))
print("three all", select("#", three(0)), select("#", three(5)))

-- A method, recursion through self.
local Tree = {}
Tree.__index = Tree
local function build(depth)
  if depth == 0 then return setmetatable({}, Tree) end
  return setmetatable({left = build(depth - 1), right = build(depth - 1), v = depth}, Tree)
end
function Tree:count()
  if self.left == nil then return 1 end
  return 1 + self.left:count() + self.right:count()
end
function Tree:sum()
  if not self.v then return 0 end
  return self.v + self.left:sum() + self.right:sum()
end
local t = build(10)
print("tree", t:count(), t:sum())

-- Closures of one function with different upvalues: each call runs with its own.
local function maker(k)
  local function down(n)
    if n == 0 then return k end
    return down(n - 1) + 1
  end
  return down
end
local total = 0
for k = 1, 40 do total = total + maker(k * 100)(k) end
print("closures", total)

-- Mutual recursion.
local is_odd
local function is_even(n)
  if n == 0 then return true end
  return is_odd(n - 1)
end
function is_odd(n)
  if n == 0 then return false end
  return is_even(n - 1)
end
print("parity", is_even(100), is_odd(77), is_even(1001))

-- Deep, but within Lua's stack.
local function depth(n)
  if n == 0 then return 0 end
  return 1 + depth(n - 1)
end
print("depth", depth(5000), depth(20000))

-- Errors at the bottom of a recursion, caught by pcall at the top and in the middle.
local function dive(n, where)
  if n == where then error("bottom at " .. n) end
  if n == 0 then return "no error" end
  return dive(n - 1, where) .. "."
end
for i = 1, 30 do
  local ok, msg = pcall(dive, 20, i % 7 == 0 and 3 or -1)
  if i % 5 == 0 or not ok then print("dive", i, ok, msg) end
end
local function arith(n)
  if n == 0 then return nil end
  return 1 + arith(n - 1)
end
print("arith", pcall(arith, 12))
-- A runaway recursion: the interpreter reports the overflow.
local function forever(n) return 1 + forever(n + 1) end
local ok, msg = pcall(forever, 1)
print("overflow", ok, (string.gsub(msg, "^.-:%d+: ", "")))
-- A traceback through recursive frames.
local function tb(n)
  if n == 0 then return debug.traceback("here", 1) end
  local r = tb(n - 1)
  return r
end
for _ = 1, 20 do tb(4) end
print(tb(4))

-- Called from pcall and from builtins: their frames are entered from C.
print("pcall", pcall(fib, 18))
print("gsub", (string.gsub("5 10 15 20", "%d+", function(d) return fib(tonumber(d)) end)))
local order = {9, 3, 12, 7, 1, 15, 4}
table.sort(order, function(x, y) return fib(x) > fib(y) end)
print("sort", table.concat(order, " "))

-- Varargs and open upvalues: the traces leave those to the interpreter.
local function va(n, ...)
  if n == 0 then return select("#", ...) end
  return va(n - 1, n, ...)
end
print("varargs", va(10), va(50))
local function captured(n)
  local x = n
  local get = function() return x end
  if n == 0 then return get() end
  return captured(n - 1) + get()
end
print("upvalues", captured(30))

-- Table constructors with lists: fixed ones, ones ending in a call's results (the array part
-- grows), long ones (several SETLIST instructions), in a loop and in a recursion.
local function none() end
local function two(x) return x, x * 2 end
local sizes = {}
for i = 1, 30 do
  local a = {i, i + 1, i + 2}
  local b = {i, two(i)}
  local c = {two(i), two(i + 1)}
  local d = {none()}
  local e = {i, none()}
  local long = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49,
                50, 51, 52, 53, 54, 55, two(i)}
  sizes[#sizes + 1] = #a + #b + #c + #d + #e + #long + long[57] + c[3]
end
print("lists", table.concat(sizes, " ", 1, 10), sizes[30])
local function pairs_tree(depth)
  if depth == 0 then return {} end
  return {pairs_tree(depth - 1), pairs_tree(depth - 1)}
end
local function leaves(t)
  if t[1] == nil then return 1 end
  return leaves(t[1]) + leaves(t[2])
end
local sum = 0
for d = 1, 12 do sum = sum + leaves(pairs_tree(d)) end
print("list tree", sum)

-- Functions whose prototypes are collected while traces start at them, return into them and
-- link to them: chunks loaded over and over, called from a loop and from each other.
local results = {}
local previous = nil
for i = 1, 40 do
  local chunk = load([[
    local k, prev = ...
    local function down(n)
      if n == 0 then return k end
      return 1 + down(n - 1)
    end
    return function(n) if prev then return down(n) + prev(n // 2) end return down(n) end
  ]])
  local f = chunk(i, previous)
  previous = (i % 3 == 0) and nil or f
  local s = 0
  for j = 1, 20 do s = s + f(j) end
  results[#results + 1] = s
  if i % 8 == 0 then collectgarbage() end
end
print("loaded", table.concat(results, " ", 1, 8), results[40])
