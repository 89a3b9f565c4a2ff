-- tostring of many floats: the %.14g rules and the ".0" suffix.
local values = {
  0.1, 0.5, 1.5, 2.0, 10.0, 100.0, 1e14, 1e15, 1e16, 1e17, 123456789012345.6,
  1/3, 2/3, 1e-4, 1e-5, 0.00012345, 12345.6789, -1.0, -1e20, 3.0e-300, 1.7976931348623157e308,
  2^24, 2^31, 2^32, 2^52, 2^53, 2^63, 2^64, 1e15 + 0.5, 99999999999999.9, 999999999999999.9,
  5e-324, 4.9e-324, 0.1 + 0.2, 1 - 1e-16, 123e10, 7.0e-10, 314.15e-2,
}
for i, v in ipairs(values) do io.write(tostring(v), i % 6 == 0 and "\n" or " ") end
print()
for e = -20, 20, 3 do io.write(tostring(10.0 ^ e), " ") end print()
for i = 1, 12 do io.write(tostring(i / 7), " ") end print()
print(string.format("%.14g|%.14g|%.14g", 2^53 + 1, 1e15, 0.1))
print(3 // 1.0, 3.5 // 1, -3.5 // 1, 1e300 // 1e-10)
print(math.maxinteger + 1.0, math.mininteger - 1.0, math.maxinteger * 2.0)
