-- table.insert(t, v) in traces: appends to plain tables, nil values, holes, a metatable set in
-- the middle (then __newindex applies), a result wanted from it.
local out = {}
for round = 1, 50 do
  local t = {}
  for i = 1, 40 do table.insert(t, i * round) end
  for i = 1, 5 do table.insert(t, nil) end     -- nil appends nothing visible
  local holes = {1, 2, nil, 4}
  table.insert(holes, 9)
  local x = table.insert(t, "end")              -- one result wanted: nil
  out[#out + 1] = #t + (x == nil and 1000 or 0) + #holes
  if round == 30 then setmetatable(t, {__newindex = function(tt, k, v) rawset(tt, k, v * 2) end}) end
  if round >= 30 then table.insert(t, 7) end
end
local s = 0
for i = 1, #out do s = s + out[i] end
print(s, #out)
local log = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, "[" .. v .. "]") end})
for i = 1, 60 do table.insert(log, i) end
print(#log, log[1], log[60])
print(pcall(table.insert, 5, 1))
