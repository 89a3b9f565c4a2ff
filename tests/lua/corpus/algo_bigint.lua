-- Arbitrary precision integers in base 10^7: factorials and powers of two.
local BASE = 10000000
local function mul_small(a, m)
  local carry = 0
  for i = 1, #a do
    local v = a[i] * m + carry
    a[i] = v % BASE
    carry = v // BASE
  end
  while carry > 0 do a[#a + 1] = carry % BASE; carry = carry // BASE end
end
local function tostr(a)
  local parts = {tostring(a[#a])}
  for i = #a - 1, 1, -1 do parts[#parts + 1] = string.format("%07d", a[i]) end
  return table.concat(parts)
end
local f = {1}
for i = 2, 100 do mul_small(f, i) end
local s = tostr(f)
print(#s, s:sub(1, 30), s:sub(-30))
local p = {1}
for i = 1, 256 do mul_small(p, 2) end
print(tostr(p))
local digits = 0
for c in s:gmatch("%d") do digits = digits + tonumber(c) end
print(digits)
