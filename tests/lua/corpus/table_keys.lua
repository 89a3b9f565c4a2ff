-- Table keys: integer/float normalisation, all kinds of keys, errors.
local t = {}
t[1] = "int"
print(t[1.0], t[1])
t[2.0] = "float2"
print(t[2], math.type(next({[3.0] = true})))
t[2^53] = "big"
print(t[2^53], t[9007199254740992])
t[1.5] = "frac"
print(t[1.5], t[3 / 2])
t["1"] = "string one"
print(t[1], t["1"])
t[true] = "yes"; t[false] = "no"
print(t[true], t[false])
local k = {}
t[k] = "table key"
print(t[k], t[{}])
t[print] = "function key"
print(t[print])
print(pcall(function() t[nil] = 1 end))
print(pcall(function() t[0/0] = 1 end))
print(t[nil], t[0/0])
print(rawget(t, 1), rawget(t, 1.0), rawget(t, "missing"))
local n = {}
n[-1] = "neg"; n[0] = "zero"; n[math.mininteger] = "min"; n[math.maxinteger] = "max"
print(n[-1], n[0], n[math.mininteger], n[math.maxinteger], n[-0.0])
local cnt = 0
for i = 1, 1000 do n["k" .. i] = i end
for i = 1, 1000, 2 do n["k" .. i] = nil end
for _ in pairs(n) do cnt = cnt + 1 end
print(cnt, n.k2, n.k1, n.k1000)
