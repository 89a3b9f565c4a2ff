-- type() in traces: a constant once its argument's tag is guarded; every tag, nil included.
local vals = {1, 2.5, "s", {}, print, function() end, true, false, nil, io.stdout}
local counts = {}
for round = 1, 200 do
  for i = 1, 10 do
    local v = vals[i]
    local t = type(v)
    counts[t] = (counts[t] or 0) + 1
    if type(v) == "number" and type(v + 1) == "number" then counts.n2 = (counts.n2 or 0) + 1 end
  end
end
local keys = {}
for k in pairs(counts) do keys[#keys + 1] = k end
table.sort(keys)
for _, k in ipairs(keys) do print(k, counts[k]) end
collectgarbage()
print(type(nil), type(type), pcall(type))
