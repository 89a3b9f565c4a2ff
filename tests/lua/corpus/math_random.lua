-- math.random follows lua5.4's generator exactly for a given seed.
print(math.randomseed(42))
local r = {}
for i = 1, 10 do r[i] = math.random(1, 100) end
print(table.concat(r, " "))
for i = 1, 5 do r[i] = string.format("%.12f", math.random()) end
print(table.concat(r, " ", 1, 5))
print(math.random(10), math.random(-5, 5), math.random(0), math.random(math.mininteger, math.maxinteger))
print(math.random(3, 3), math.random(7))
print(pcall(math.random, 3, 1), pcall(math.random, 1, 2, 3))
math.randomseed(123, 456)
print(math.random(1000000), math.random(1000000))
math.randomseed(0)
local counts = {0, 0, 0, 0, 0, 0}
for i = 1, 6000 do local d = math.random(6); counts[d] = counts[d] + 1 end
print(table.concat(counts, " "))
math.randomseed(7)
local shuffled = {}
for i = 1, 10 do shuffled[i] = i end
for i = #shuffled, 2, -1 do
  local j = math.random(i)
  shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
end
print(table.concat(shuffled, ","))
math.randomseed(-1)
print(math.random(1, 2^40), math.random(100), math.random(1 << 62))
print(pcall(math.random, 1.5), pcall(math.randomseed, 1.5))
local a = math.random(0)
math.randomseed(42)
math.random(1, 100)
print(math.random(1, 100))
