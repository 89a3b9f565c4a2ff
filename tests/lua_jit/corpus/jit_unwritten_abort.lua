-- Found by loop_fuzz.py: the comparison that ends this loop reads a fixed upvalue as a constant
-- operand (its load taken back), and its recording ends the trace there; the load must stay, as
-- the interpreter runs the comparison itself and reads the register.
local n = 12
local d = 2.112
local t = {0, 5, -math.huge}
local function I(x)
  if type(x) ~= 'number' or x ~= x or x == math.huge or x == -math.huge then return 3 end
  return math.floor(x % 65536)
end
local function body()
  local i0 = 0
  repeat
    i0 = i0 + 1
    t[i0 % 8 + 1] = (I(-1) << (I((I(d) ~ (I(-5) % 64))) % 64))
  until i0 >= n
end
print(pcall(body))
for k = 1, #t do io.write(tostring(t[k]), ' ') end print()
