-- Float modulo in traces: integral operands take a shortcut that must give exactly what fmod
-- gives (signed zeros included); everything else (fractions, huge values, infinities, NaN)
-- goes through fmod. NaNs print as "nan": their sign is the platform's (x86-64 makes -nan).
local vals = {-4.0, -3.0, -0.0, 0.0, 3.0, 4.0, 5.5, -5.5, 1e300, -1e300, 2^53, -(2^53), 2^53 + 2, 7.0, -7.0,
              2^52 + 1, -(2^52 + 1), 0/0, 1/0, -1/0}
local divs = {2.0, -2.0, 3.0, -3.0, 0.5, 1e-300, 2^60, 2^52 + 1, 1/0, -1/0}
local out
for _ = 1, 30 do
  out = {}
  for i = 1, #vals do
    for j = 1, #divs do
      local m = vals[i] % divs[j]
      out[#out + 1] = m ~= m and "nan" or string.format("%.17g", m)
    end
  end
end
for k = 1, #out, #divs do print(table.concat(out, " ", k, k + #divs - 1)) end
-- With a constant divisor, and an integer dividend converted to float.
local bits, acc = {}, 0.0
for i = -20, 20 do
  local f = i + 0.0
  bits[#bits + 1] = string.format("%g", f % 2)
  acc = acc + (f % -3) + (i % 2.0)
end
print(table.concat(bits, " "), acc)
