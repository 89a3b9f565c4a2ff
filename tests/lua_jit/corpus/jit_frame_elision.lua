-- Inlined calls whose callee can neither leave the trace nor fail nor call anything lose their
-- frame (FRAME_ROOM, a move of the result). Their arguments change type between calls, the
-- same callee runs in traces where it cannot lose its frame, leaves call leaves, tables are
-- made and collected around them, and errors after them still show the right frames.

local function area(w, h) return w * h + 1 end
local function mix(a, b) local s = a + b return s * 0.5 - a end
local function outer(x) return area(x, 2) + area(x, 3) end   -- its callees are frameless

local s1, s2, s3 = 0, 0, 0
for i = 1, 400 do
  s1 = s1 + area(i, i + 1)
  s2 = s2 + mix(i * 0.25, i)
  s3 = s3 + outer(i)
end
print(s1, s2, s3)

-- Arguments of another type than when the trace was recorded: the guard before the call
-- leaves, and the interpreter makes the call (a float, then a string it coerces).
local vals = {}
for i = 1, 300 do vals[i] = i end
vals[250] = 2.5
vals[260] = "4"
local t = 0
for i = 1, 300 do t = t + area(vals[i], 2) end
print(t)

-- Garbage made between frameless calls, and a full collection afterwards.
local keep = {}
for i = 1, 2000 do
  local v = area(i, 3)
  keep[i % 50 + 1] = {v, mix(v, 1)}
end
collectgarbage()
collectgarbage()
print(#keep, keep[1][1], keep[50][2])

-- An error right after a frameless call: the traceback has no trace of the elided frame.
local function checked(n)
  local total = 0
  for i = 1, n do
    total = total + area(i, 2)
    if i == n then error("stop at " .. total) end
  end
end
local ok, err = pcall(checked, 150)
print(ok, (err:gsub("^.-:(%d+):", "line %1:")))
print((debug.traceback("here", 1):gsub("\n.*", "")))
