-- A short tour of cpjit-lua: run with  cpjit-lua examples/lua/demo.lua
print(_VERSION .. " on cpjit-lua tier 1")

-- Integers and floats are distinct subtypes with 5.4 arithmetic.
print(math.maxinteger + 1 == math.mininteger, 7 // 2, 7 / 2, -7 % 3, 2^53, 1e15, 0.1 + 0.2)

-- Closures capture fresh variables per iteration.
local counters = {}
for i = 1, 3 do counters[i] = function() i = i * 10 return i end end
print(counters[1](), counters[2](), counters[3](), counters[1]())

-- Metatables: a small vector type.
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__tostring = function(v) return string.format("(%g, %g)", v.x, v.y) end
function V.new(x, y) return setmetatable({x = x, y = y}, V) end
function V:len() return math.sqrt(self.x ^ 2 + self.y ^ 2) end
local v = V.new(3, 4) + V.new(0, 0)
print(tostring(v), v:len())

-- Lua patterns.
local text = "cpjit: copy-and-patch JIT, version 0.1"
for word in text:gmatch("%a+") do io.write(word:upper(), " ") end
print()
print((text:gsub("(%w+)%-and%-(%w+)", "%2-and-%1")))

-- Errors name what went wrong, as lua5.4 does.
print(pcall(function() local config; return config.verbose end))
print(pcall(function() return undefined_function() end))

-- The same random sequence as lua5.4 for the same seed.
math.randomseed(42)
print(math.random(1, 100), math.random(1, 100), math.random(1, 100))

-- Tail calls run in constant space; deep non-tail recursion is a clean error.
local function loop(n) if n == 0 then return "done" end return loop(n - 1) end
print(loop(1000000), select(2, pcall(function() local function f() return 1 + f() end return f() end)))
