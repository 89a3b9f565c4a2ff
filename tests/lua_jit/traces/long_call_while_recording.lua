-- A side trace is being recorded when the program makes a long call through a builtin (pcall):
-- the recording gives up after a thousand back edges in that call, so that the loop there
-- gets a trace of its own instead of running in the interpreter to the end.
-- expect-stats: a call it makes runs long
-- expect-stats: trace \d+ root \S*long_call_while_recording\.lua:10:
-- expect-at-most: 100 trace entries
local function work(n)
  local s = 0
  for i = 1, n do
    s = s + i % 7
  end
  return s
end
local t = 0
for r = 1, 20 do
  for i = 1, 100 do t = t + i end
  local ok, s = pcall(work, r == 16 and 3000000 or 1)
  t = t + s
end
print(t)
