-- Calls passing more arguments than the callee has registers: the generic frame pushes take
-- them (the _K forms need the arguments to end below the callee's frame top).
local function f(a) return a end
local function g(a, b) local c = a + b return c end
local s = 0
for i = 1, 200 do s = s + f(i, i, i, i, i, i, i, i, i, i) + g(i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) end
print(s)
local function rec(n, ...) if n == 0 then return 0 end return 1 + rec(n - 1, 1, 2, 3, 4, 5, 6, 7, 8) end
local t = 0
for i = 1, 50 do t = t + rec(i % 20) end
print(t)
