-- Stores of nil, false and true into arrays (the stores of a tag alone): present slots,
-- holes, slots past the end, tables whose __newindex catches new keys, integer keys in a
-- register and constant ones.
local function fill(n)
  local t = {}
  for i = 1, n do t[i] = (i % 3 == 0) or false end
  for i = 1, n, 2 do t[i] = true end
  for i = 4, n, 4 do t[i] = nil end
  local c = 0
  for i = 1, n do
    if t[i] == true then c = c + 1 elseif t[i] == false then c = c + 100 else c = c + 10000 end
  end
  return c, #t >= 0
end
print("fill", fill(300))

local seen = {}
local watched = setmetatable({}, {__newindex = function(t, k, v) seen[#seen + 1] = tostring(k) .. "=" .. tostring(v); rawset(t, k, v) end})
for i = 1, 200 do
  watched[i % 50 + 1] = true   -- new keys go to __newindex, present ones are stored
  watched[i % 50 + 1] = false
  if i % 10 == 0 then watched[i % 50 + 1] = nil end
end
print("watched", #seen, seen[1], seen[#seen])

local k = {}
for i = 1, 200 do
  k[1] = i % 2 == 0
  k[2] = nil
  k[3] = true
  k[5] = false
end
print("constant keys", k[1], k[2], k[3], k[4], k[5])
