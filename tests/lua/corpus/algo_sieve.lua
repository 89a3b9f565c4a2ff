-- Sieve of Eratosthenes with a boolean table.
local function sieve(n)
  local composite = {}
  local primes = {}
  for i = 2, n do
    if not composite[i] then
      primes[#primes + 1] = i
      for j = i * i, n, i do composite[j] = true end
    end
  end
  return primes
end
local p = sieve(10000)
print(#p, p[1], p[100], p[#p])
local sum = 0
for _, v in ipairs(p) do sum = sum + v end
print(sum)
print(table.concat(sieve(50), " "))
