-- Float remainders by constant powers of two (FMODP): integral and fractional dividends of both
-- signs, zeros, values at and past 2^53, infinities and NaN, divisors 1 .. 2^52 and others.

local values = {0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 7.0, -7.0, 8.0, -8.0, 2.5, -2.5, 0.75, -0.75,
                1e15, -1e15, 2^52 + 1, -(2^52 + 1), 2^53 - 1, 2^53, -2^53, 2^53 + 2, 2^60, -2^60,
                1/0, -1/0, 123456789.0, -123456789.0, 4503599627370495.5, -0.5}

local function fmt(x)
  if x ~= x then return "nan" end
  if x == 0 then return 1 / x > 0 and "0.0" or "-0.0" end
  return string.format("%.17g", x)
end

local out = {}
for round = 1, 3 do
  for i = 1, #values do
    local x = values[i]
    local r = {x % 1, x % 2, x % 4, x % 8.0, x % 1024, x % 2^52, x % 3, x % 0.5, x % -2}
    if round == 3 then
      for j = 1, #r do out[#out + 1] = fmt(r[j]) end
    end
  end
end
print(table.concat(out, " "))

-- The shape that makes it hot: an xor without bitwise operators.
local function xor(a, b)
  local r, bit = 0, 1
  while a > 0 or b > 0 do
    if a % 2 ~= b % 2 then r = r + bit end
    a, b, bit = (a - a % 2) / 2, (b - b % 2) / 2, bit * 2
  end
  return r
end
local acc = 0
for i = 1, 2000 do acc = acc + xor(i * 3.0, 0xD008) end
print(acc)
