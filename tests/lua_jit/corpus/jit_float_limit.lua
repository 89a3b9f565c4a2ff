-- Integer for loops up to a float limit (floor, or ceil going down; huge, NaN and string limits).
local t = {}
for i = 1, 100 do t[i] = i end
local s = 0
for round = 1, 60 do
  local n = #t
  for i = 1, n / 2 do s = s + t[i] end
  for i = n, n / 3, -1 do s = s - i end
  for i = 1, round / 7 do s = s + 1 end
  for i = 10, 2.5 do s = s + 1000 end          -- does not run
  for i = 1, 1e300 do s = s + 1; if i > 3 then break end end
  for i = 1, -1e300 do s = s + 1 end
  for i = 1, (0/0) do s = s + 1 end
  for i = 1, 2^62 + 0.0, 2^61 do s = s + 1 end
end
print(s)
print(pcall(function() for i = 1, "x" do end end))
