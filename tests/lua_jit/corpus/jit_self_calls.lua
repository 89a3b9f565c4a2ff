-- Functions calling themselves through the local that names them (GETUPVAL_SELF), while that
-- local is pointed elsewhere, and closures of one prototype that each call themselves; calls
-- that take every result of a recursive call (a return to a caller that wants them all).

local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
local total = 0
for i = 1, 60 do total = total + fact(i % 15) end
print("fact", total)

local real = fact
local wrapped = 0
fact = function(n) wrapped = wrapped + 1; return real(n) end  -- the name now means another function
total = 0
for i = 1, 60 do total = total + real(i % 15) end
print("rebound", total, wrapped)

-- Closures of one prototype, each calling itself through its own upvalue.
local function counter(step)
  local function count(n) if n == 0 then return 0 end return step + count(n - 1) end
  return count
end
local a, b = counter(1), counter(10)
local s = 0
for i = 1, 80 do s = s + a(i % 9) + b(i % 7) end
print("closures", s)

-- Every result of a recursive call goes on to the caller's call.
local function pair(n) if n == 0 then return 1, 2 end return pair(n - 1) end
local function sum2(x, y) return x + (y or 0) end
local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
local t = 0
for i = 1, 60 do t = t + sum2(pair(i % 5)) + sum2(depth(i % 11)) end
print("multret", t)
