-- Ackermann's function A(3, k) for k = 0..N: deep non-tail recursion.
-- usage: ackermann.lua N
local n = tonumber(arg and arg[1]) or 8

local function ack(m, k)
  if m == 0 then return k + 1 end
  if k == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, k - 1))
end

local total = 0
for i = 1, 4 do total = total + ack(2, i * 50) end
for k = 0, n do print(string.format("ack(3,%d) = %d", k, ack(3, k))) end
print(string.format("sum of ack(2, 50..200) = %d", total))
