-- A numeric for loop keeps its index and iteration count in the two integer homes for the whole
-- loop (FORLOOP_I's carried variants), also when the body has a uop whose stencil calls a helper
-- on its slow path (the table store, the table read): the homes stay across calls. Each of the
-- two loops binds its two slots.
-- expect-stats: optimizer: .*, 4 slots kept in registers across loops
local t = {}
for i = 1, 200000 do t[i] = false end
local n = 0
for i = 1, #t do
  if t[i] == false then n = n + 1 end
end
print(n)
