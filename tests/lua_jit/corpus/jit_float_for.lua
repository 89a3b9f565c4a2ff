-- Float for loops inside traces: prepared, skipped, ended; step zero and a bad limit.
local s = 0
for round = 1, 100 do
  for x = 0, 1, 0.25 do s = s + x end
  for x = 1.5, round / 10 do s = s + x end
  for x = 10, 1, -2.5 do s = s - x end
  for x = 1, 0, 0.5 do s = s + 1000 end          -- does not run
  for x = 0.5, 3 do s = s + x * 2 end
  for x = 1, 2^53, 2^52 + 0.0 do s = s + 1 end
end
print(s)
print(pcall(function() for r = 1, 60 do for x = 0, 1, (r < 50 and 0.5 or 0.0) do end end end))
print(pcall(function() for r = 1, 60 do for x = 0.5, (r < 50 and 2 or "z") do end end end))
