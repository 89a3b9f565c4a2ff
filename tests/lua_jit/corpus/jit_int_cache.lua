-- Integer chains that a trace keeps in a register between uops: each result is also read
-- from where the previous uop left it. Uops in between that give that register up (a field
-- read through a deep class chain, calls, frames) or call helpers must not change what the
-- next uop reads.

-- Arithmetic chains, wrapping at the ends of the integer range.
local acc = 0
for i = 1, 300 do
  local a = i * 7
  local b = a - 3
  local c = b * a + i
  local d = c // 5
  local e = d % 11
  local w = math.maxinteger - i + c   -- wraps
  local f = (w << 3) ~ e
  acc = acc ~ f
  acc = acc + (e - b) % 13 - (-c) // 7
end
print("chains", acc)

-- A field found four classes up: the uop that walks them gives the register up between the
-- producer and the consumer of a.
local A = {f = 5}
local B = setmetatable({}, {__index = A})
local C = setmetatable({}, {__index = B})
local D = setmetatable({}, {__index = C})
local obj = setmetatable({}, {__index = D})
local s = 0
for i = 1, 300 do
  local a = i * 3
  local v = obj.f
  local b = a + v
  s = s + b * 2 + a
end
print("deep field", s)

-- Keys computed just before the table access: array part, hash part (a helper call), and
-- stores.
local t = {}
for i = 1, 64 do t[i] = i * i end
t[1000] = 17
local h = {}
local sum = 0
for i = 1, 300 do
  local k = (i % 64) + 1
  sum = sum + t[k]
  local far = i % 3 == 0 and 1000 or 999
  local x = far + 0
  sum = sum + (t[x] or -1)
  local j = i % 50 + 1
  h[j] = (h[j] or 0) + i
  t[k] = t[k] + 1
end
local hs = 0
for j = 1, 50 do hs = hs + h[j] end
print("keys", sum, hs, t[1], t[64])

-- Comparisons on a value just computed, either side.
local above, below, same = 0, 0, 0
for i = 1, 300 do
  local a = i * 5 % 97
  if a < 40 then below = below + 1 end
  local b = i % 89
  if 50 <= b then above = above + 1 end
  local c = i + 1
  if c == a then same = same + 1 end
  if a < c then same = same + 2 end
end
print("compare", above, below, same)

-- Floats from integers just computed.
local fsum = 0.0
for i = 1, 300 do
  local n = i * i - 1
  fsum = fsum + n * 0.5 + 1.0 / (n + 2) + 2.5 * (i - 7)
end
print("floats", string.format("%.10f", fsum))

-- Calls between the producer and the consumer (frames pushed and popped, helpers).
local function g(x) return x + 1 end
local r = 0
for i = 1, 300 do
  local a = i * 9
  local b = g(i)
  local c = a - b
  local str = tostring(c)
  r = r + c + #str + a
end
print("calls", r)

-- A value carried around the loop in the register: read at the head, where another path
-- (the first entry) arrives too.
local x, y = 1, 0
for i = 1, 300 do
  y = y + x
  x = (x * 3 + i) % 1009
end
print("carried", x, y)
