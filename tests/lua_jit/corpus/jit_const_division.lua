-- Integer floor division and modulo by constants, which traces compute with a multiply for
-- divisors of 2 and more: every sign, the extremes, divisors small, large and powers of two,
-- and a long run of values over the whole integer range.
local xs = {0, 1, -1, 2, -2, 6, -6, 7, -7, 139967, 139968, -139968, 139969, -139969,
  math.maxinteger, math.mininteger, math.maxinteger - 1, math.mininteger + 1,
  4611686018427387904, -4611686018427387904, 4611686018427387905, -4611686018427387905,
  123456789012345, -123456789012345, 1000000006, -1000000008}
local divisors = {2, 3, 7, 10, 16, 97, 1000, 139968, 1000000007, 4294967296, 4294967297,
  4611686018427387903, 4611686018427387904, 4611686018427387905, 9223372036854775807, 1, -1, -3, -139968}

for _, d in ipairs(divisors) do
  -- The divisor must be a literal for the constant forms: one chunk per divisor.
  local f = assert(load(([[
    local xs = ...
    local mods, quots = {}, {}
    for _ = 1, 4 do
      for i = 1, #xs do
        local x = xs[i]
        mods[i], quots[i] = x %% %d, x // %d
      end
    end
    local sum = 0
    local x = 88172645463325252
    for _ = 1, 3000 do
      x = x * 6364136223846793005 + 1442695040888963407
      sum = sum ~ (x %% %d) ~ ((x // %d) * 31)
    end
    return table.concat(mods, " "), table.concat(quots, " "), sum
  ]]):format(d, d, d, d)))
  local mods, quots, sum = f(xs)
  print(d, "mod", mods)
  print(d, "div", quots)
  print(d, "sum", sum)
end

-- A constant divisor in a fixed upvalue, as fasta's and heapsort's generators have it.
local IM, IA, IC = 139968, 3877, 29573
local last = 42
local function random(max)
  last = (last * IA + IC) % IM
  return max * last / IM
end
local acc = 0
for _ = 1, 5000 do acc = acc + random(100) end
print("random", last, string.format("%.6f", acc))
