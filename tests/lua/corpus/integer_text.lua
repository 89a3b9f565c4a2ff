-- Integers turned into text by tostring, print, concatenation and io.write, at the edges.
print(0, -1, 9, 10, -10, math.maxinteger, math.mininteger, 1234567890123) io.write(math.mininteger, " ", 0, " ", -7, " ", 42, "\n") print(1 .. "", -5 .. "x", math.mininteger .. "", ("%d"):format(-3), tostring(123), 2^53 // 1 | 0)
for _, v in ipairs({0, 1, -1, 99, 100, -100, 2^31|0, -(2^31|0), 2^62|0, math.maxinteger - 1}) do io.write(v, ",", tostring(v), ",", v .. "", ";") end print()
