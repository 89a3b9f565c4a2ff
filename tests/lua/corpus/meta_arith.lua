-- Arithmetic, bitwise and unary metamethods.
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
V.__div = function(a, b) return vec(a.x / b, a.y / b) end
V.__mod = function(a, b) return vec(a.x % b, a.y % b) end
V.__pow = function(a, b) return vec(a.x ^ b, a.y ^ b) end
V.__idiv = function(a, b) return vec(a.x // b, a.y // b) end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__tostring = function(a) return "(" .. a.x .. "," .. a.y .. ")" end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), tostring(a - b), a * b, tostring(a * 2), tostring(3 * b))
print(tostring(b / 2), tostring(b % 3), tostring(a ^ 2), tostring(b // 2), tostring(-a))
local B = setmetatable({}, {
  __band = function(x, y) return "band" end, __bor = function() return "bor" end,
  __bxor = function() return "bxor" end, __shl = function() return "shl" end,
  __shr = function() return "shr" end, __bnot = function() return "bnot" end,
})
print(B & 1, 1 | B, B ~ B, B << 1, 2 >> B, ~B)
local order = {}
local L = setmetatable({}, {__add = function(x, y) order[#order + 1] = "L"; return 1 end})
local R = setmetatable({}, {__add = function(x, y) order[#order + 1] = "R"; return 2 end})
print(L + R, R + L, 5 + R, L + 5, table.concat(order))
print(pcall(function() return a + 1 end))
print(pcall(function() return {} + {} end))
print(pcall(function() local t = {} return t * 2 end))
print(pcall(function() return -{} end))
print(pcall(function() return ~{} end))
local cnt = setmetatable({n = 0}, {__add = function(self, k) self.n = self.n + k; return self end})
local c = cnt + 1 + 2 + 3
print(c.n, c == cnt)
local num = setmetatable({}, {__sub = function(a, b) return "sub" end, __add = function() return "add" end})
print(num - 1, num + 1, 1 - num)
