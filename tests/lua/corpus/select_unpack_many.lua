-- Many values through varargs, unpack and table constructors.
local big = {}
for i = 1, 5000 do big[i] = i end
local function count(...) return select("#", ...) end
print(count(table.unpack(big)), count(table.unpack(big, 100, 200)))
local function sum(...)
  local s = 0
  local args = {...}
  for i = 1, #args do s = s + args[i] end
  return s
end
print(sum(table.unpack(big)))
local copy = {table.unpack(big)}
print(#copy, copy[5000])
print(select(4999, table.unpack(big)))
local packed = table.pack(table.unpack(big, 1, 300))
print(packed.n, packed[300])
print(pcall(table.unpack, big, 1, 1e7))
print(math.max(table.unpack(big)), math.min(table.unpack(big)))
print(string.char(table.unpack({72, 101, 108, 108, 111})))
local function ret(...) return ... end
print(count(ret(table.unpack(big, 1, 2000))))
