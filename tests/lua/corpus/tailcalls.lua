-- Proper tail calls run in constant stack space; varargs and methods in tail position.
local function count_down(n) if n == 0 then return "done" end return count_down(n - 1) end
print(count_down(1000000))
local function even(n) if n == 0 then return true end return odd(n - 1) end
function odd(n) if n == 0 then return false end return even(n - 1) end
print(even(100001), pcall(even, 200000))
local obj = {n = 0}
function obj:loop(k) if k == 0 then return self.n end self.n = self.n + 1 return self:loop(k - 1) end
print(obj:loop(500000))
local function va(n, ...) if n == 0 then return select("#", ...), ... end return va(n - 1, ...) end
print(va(100000, "a", "b", nil))
local function to_builtin(s) return string.upper(s) end
print(to_builtin("tail into a builtin"))
local callable = setmetatable({}, {__call = function(self, n) return "called with " .. n end})
local function to_callable(n) return callable(n) end
print(to_callable(7))
local function returns_many() return 1, 2, 3 end
local function passthrough() return returns_many() end
print(passthrough())
print((passthrough()))
local depth = 0
local function measure() depth = depth + 1 if depth < 100 then return measure() end return debug.traceback() end
local tb = measure()
print(select(2, tb:gsub("\n", "\n")) < 20)
