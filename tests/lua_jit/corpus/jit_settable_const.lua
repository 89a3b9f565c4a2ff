-- t[k] = constant with a key that is not an integer (strings, floats, booleans), and a nil key.
local seen, keys = {}, {"a", "b", 1.5, "c", true, 2^53}
local n = 0
for round = 1, 100 do
  for i = 1, #keys do
    local k = keys[i]
    seen[k] = true
    seen[tostring(k) .. round % 3] = "v"
    seen[k] = 42
  end
end
for k, v in pairs(seen) do n = n + 1 end
print(n, seen.a, seen[1.5], seen["a1"], seen[true])
local ok, e = pcall(function() local t = {} for i = 1, 50 do local k = i < 40 and "x" or nil; t[k] = true end end)
print(ok, e)
