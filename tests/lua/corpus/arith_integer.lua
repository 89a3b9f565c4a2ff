-- Integer arithmetic: wrap-around, floor division and modulo signs.
local max, min = math.maxinteger, math.mininteger
print(max + 1 == min, min - 1 == max, max * 2, min * -1)
print(7 // 2, -7 // 2, 7 // -2, -7 // -2)
print(7 % 3, -7 % 3, 7 % -3, -7 % -3)
print(min // -1, min % -1, 0 % 5, 5 % 1)
print(3 - 5, 2 * 3 * 4, 100 - 1 - 1)
for _, p in ipairs({{13, 4}, {-13, 4}, {13, -4}, {-13, -4}, {0, 3}, {1, 1}}) do
  local a, b = p[1], p[2]
  assert(a == (a // b) * b + a % b)
  io.write(a // b, " ", a % b, "; ")
end
print()
print(math.type(1 + 2), math.type(1 + 2.0), math.type(2 * 3), math.type(6 // 2))
print(1e15 // 1, 2^53 // 1, -0.0 // 1)
local big = 9007199254740993
print(big, big + 1, big * 1)
print(0x7fffffffffffffff + 0x7fffffffffffffff)
print(-min, ~0, -(-1))
