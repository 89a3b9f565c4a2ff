-- Variable arguments and multiple results.
local function count(...) return select("#", ...) end
print(count(), count(nil), count(1, nil, nil), count(nil, nil, 3))
local function pass(...) return ... end
print(pass(1, 2, 3))
print((pass(1, 2, 3)))
print(pass(1, 2, 3), "end")
local function pack2(...) local a, b = ... return a, b end
print(pack2(1), pack2(1, 2, 3))
print(select(2, "a", "b", "c"), select(-1, "a", "b", "c"), select(-3, "a", "b", "c"))
print(pcall(select, 0, 1))
print(pcall(select, -5, 1))
print(select("#"), select(5, 1, 2))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
print(sum(1, 2, 3, 4.5))
local function varfirst(a, ...) return a, select("#", ...), ... end
print(varfirst(1, 2, 3))
print(varfirst())
local t = {pass(1, 2), pass(3, 4)}
print(#t, t[1], t[2], t[3])
local function tail(...) return pass(...) end
print(tail("x", "y"))
local function many() local r = {} for i = 1, 250 do r[i] = i end return table.unpack(r) end
print(select("#", many()), (select(250, many())))
print(math.max(many()))
local function nested(...)
  local function inner(...) return select("#", ...) end
  return inner(...), inner(..., "x"), inner("x", ...)
end
print(nested(1, 2))
local packed = table.pack(pass())
print(packed.n)
print(string.format("%s %s %s", pass("a", "b", "c")))
