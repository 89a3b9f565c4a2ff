-- Each loop iteration gets fresh local variables.
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
fs = {}
for _, v in ipairs({"a", "b", "c"}) do fs[#fs + 1] = function() return v end end
print(fs[1](), fs[2](), fs[3]())
fs = {}
local i = 1
while i <= 3 do
  local j = i
  fs[i] = function() j = j + 10; return j end
  i = i + 1
end
print(fs[1](), fs[1](), fs[2](), fs[3]())
fs = {}
local k = 0
repeat
  local m = k
  fs[#fs + 1] = function() return m end
  k = k + 1
until m >= 2
print(#fs, fs[1](), fs[3]())
fs = {}
for n = 1, 5 do
  if n % 2 == 0 then goto continue end
  do
    local sq = n * n
    fs[#fs + 1] = function() return sq end
  end
  ::continue::
end
print(#fs, fs[1](), fs[2](), fs[3]())
fs = {}
for n = 1, 10 do
  local v = n
  fs[#fs + 1] = function() return v end
  if n == 3 then break end
end
print(#fs, fs[3]())
local shared = {}
for n = 1, 2 do
  local count = 0
  shared[n] = {inc = function() count = count + 1 end, get = function() return count end}
end
shared[1].inc(); shared[1].inc(); shared[2].inc()
print(shared[1].get(), shared[2].get())
