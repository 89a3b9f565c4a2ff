-- string.byte, string.sub and string.len inlined in traces (positions of every kind, errors from
-- arguments of the wrong type), and a fragment count as knucleotide makes it.
local s = "hello world, the quick brown fox"
local t, n = 0, 0
for i = -40, 40 do
  local b = s:byte(i)
  t = t + (b or -1)
  local sub = s:sub(i, i + 3)
  n = n + #sub + string.len(sub)
  t = t + #s:sub(i) + (string.byte(s) or 0)
  local x = string.sub(s, i, -i)
  n = n + #x
end
print(t, n)
local counts = {}
local seq = string.rep("GATTACA", 300)
for k = 1, 4 do
  for i = 1, #seq - k + 1 do
    local frag = seq:sub(i, i + k - 1)
    counts[frag] = (counts[frag] or 0) + 1
  end
end
local keys = 0
for _ in pairs(counts) do keys = keys + 1 end
print(keys, counts.GATT, counts.A)
print(pcall(string.sub, s, "x"))
local ok, e = pcall(function() local r = 0; for i = 1, 100 do r = r + s:byte(i < 90 and i or {}) end end)
print(ok, e)
