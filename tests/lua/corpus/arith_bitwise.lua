-- Bitwise operators work on integers (and floats with an exact integer value).
print(0xF0 & 0x3C, 0xF0 | 0x0F, 0xF0 ~ 0xFF, ~0, ~5, ~-1)
print(1 << 0, 1 << 1, 1 << 62, 1 << 63, 1 << 64, 1 << 65, 1 << -1)
print(-1 >> 1, -1 >> 63, -1 >> 64, 256 >> 4, 256 >> -4, 2 >> 100)
print(3.0 & 1, 2^40 | 0, 1 << 2.0, math.mininteger >> 63)
print(pcall(function() return 1.5 & 1 end))
print(pcall(function() local f = 2.5; return f | 0 end))
print(pcall(function() return 2^64 | 0 end))
print(pcall(function() return {} & 1 end))
print(pcall(function() return "1" & 1 end))
local x = 0
for i = 0, 62, 2 do x = x | (1 << i) end
print(x, string.format("%x", x), x ~ -1)
print(5 & 3 | 8, 5 | 3 & 8, 1 << 2 + 1, 2 ~ 3 & 1, ~0 >> 60)
print(0x7fffffffffffffff + 1 == 1 << 63, (1 << 63) - 1)
