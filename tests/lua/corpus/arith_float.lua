-- Float arithmetic and formatting (%.14g plus ".0" for integral values).
print(1.0, -1.0, 0.5, 1/3, 2/3, 10/2, 3.0 * 2)
print(1e15, 1e16, 1e100, 1e-5, 123456789012.0, 2^63, -2^63)
print(0.1 + 0.2, 100 * 1.1, 1e300 * 1e10, -1e300 * 1e10)
print(-0.0, 0.0, 0/1, -0.0 == 0.0, 1/(-0.0) < 0)
print(3.14159265358979, 2.5e-7, 1234567.0, 12345678901234567890)
print(7.5 % 2, -7.5 % 2, 7.5 % -2, 5.3 % 1 < 0.31, 5 % math.huge, -5 % math.huge)
print(7.0 // 2, -7.0 // 2, 7 // 2.0, 1 // 0.0, -1 // 0.0)
print(2^10, 2^0.5, (-8)^(1/3) ~= (-8)^(1/3), 10^-2, 2^-1074 > 0)
print(1/0, -1/0, math.huge == 1/0, -math.huge < math.mininteger)
print(255 / 5, 1 / 8, 3 / 4 * 4, 1e308 + 1e308)
print(string.format("%.17g", 0.1), string.format("%.3f", 2/3))
print(8 | 0, 2.0^2, 7 / 7, math.type(7 / 7))
local x = 0
for i = 1, 10 do x = x + 0.1 end
print(x, x == 1.0, math.abs(x - 1.0) < 1e-15)
print(100000000000000, 1e14, 123456789012345.0, 0.1 + 0.7)
