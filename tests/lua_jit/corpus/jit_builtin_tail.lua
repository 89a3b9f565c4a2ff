-- `return builtin(...)`: the interpreter calls the builtin from the returning frame, and so
-- do traces; results adjusted to what the caller wants, errors raised from the builtin.
local Point = {}
Point.__index = Point
local function new(x, y) return setmetatable({x = x, y = y}, Point) end
function Point:len2() return self.x * self.x + self.y * self.y end
local function name(v) return tostring(v) end
local function floor(v) return math.floor(v) end
local function two(s) return s:find("b", 1, true) end      -- a builtin with two results
local function none(t, v) return table.insert(t, v) end    -- ... with none

local acc, text, found, list = 0, 0, 0, {}
for i = 1, 300 do
  local p = new(i, i + 1)
  acc = acc + p:len2() + floor(i / 7)
  text = text + #name(i)
  local a, b = two("aabba")
  found = found + a + b
  none(list, i)
  local x, y, z = two("b")          -- more results wanted than given
  found = found + x + y + (z and 1 or 0)
end
print(acc, text, found, #list)

local function bad(v) return math.floor(v) end
local ok, err = pcall(function()
  local s = 0
  for i = 1, 200 do s = s + bad(i < 150 and i or "x") end
  return s
end)
print(ok, err)
