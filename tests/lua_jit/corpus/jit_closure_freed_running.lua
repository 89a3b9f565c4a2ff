-- A closure that a running trace checks by address (its prototype has one closure) is
-- collected while the trace runs (pcall runs the collection from inside the loop's trace), and
-- a new function of another prototype, of the same size, is made right after: it must not pass
-- for the collected one.
local h = {function() return 1 end}
local function swap(i)
  if i % 250 == 0 then
    h[1] = nil
    collectgarbage()
    h[1] = i % 500 == 0 and function() return 2 end or function() return 3 end
  end
end
local s = 0
for i = 1, 1000 do
  s = s + h[1]()
  pcall(swap, i)
end
print(s)
