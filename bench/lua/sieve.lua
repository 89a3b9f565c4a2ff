-- Repeated sieve of Eratosthenes over a boolean array: tight integer loops.
-- usage: sieve.lua N   (N sieves of the numbers up to 100000)
local rounds = tonumber(arg and arg[1]) or 10
local limit = 100000

local count
for _ = 1, rounds do
  local flags = {}
  for i = 2, limit do flags[i] = true end
  count = 0
  for i = 2, limit do
    if flags[i] then
      count = count + 1
      for j = i * i, limit, i do flags[j] = false end
    end
  end
end
print(string.format("%d primes below %d", count, limit))
