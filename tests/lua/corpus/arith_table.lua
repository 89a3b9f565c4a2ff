-- A table of operations over mixed operands, checked against the identities they obey.
local operands = {7, -7, 3, -3, 7.5, -7.5, 0.5, 2, -2, 1, 0.0}
local out = {}
for _, a in ipairs(operands) do
  for _, b in ipairs(operands) do
    if b ~= 0 then
      local q, r = a // b, a % b
      out[#out + 1] = string.format("%s//%s=%s %s%%%s=%s", a, b, q, a, b, r)
      assert(math.abs(q * b + r - a) < 1e-9)
    end
  end
end
for i = 1, #out, 5 do print(table.concat(out, "  ", i, math.min(i + 4, #out))) end
print(2^0, 2^1, 2^-2, (-2)^2, (-2)^3, 0^0, 0^1, 4^0.5)
print(5 / 2, -5 / 2, 5 / -2, 0 / 5, 5 // 2, -5 // 2, 5.0 // 2)
