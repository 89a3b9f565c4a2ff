-- goto: continue, nested loop exits, backward jumps, closures and scope rules.
for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()
for i = 1, 3 do
  for j = 1, 3 do
    if i * j == 4 then goto done end
    io.write(i, "*", j, " ")
  end
end
::done::
print()
local n = 0
::top::
n = n + 1
if n < 5 then goto top end
print(n)
local fs = {}
do
  local i = 1
  ::again::
  local x = i * 10
  fs[#fs + 1] = function() return x end
  i = i + 1
  if i <= 3 then goto again end
end
print(fs[1](), fs[2](), fs[3]())
do goto skip; print("skipped") ::skip:: end
print("after skip")
local function find(t, v)
  for i, x in ipairs(t) do
    if x == v then goto found end
  end
  do return nil end
  ::found::
  return "found"
end
print(find({1, 2, 3}, 2), find({1, 2, 3}, 5))
print(load("goto nowhere"))
print(load("::a:: ::a::"))
print(load("goto f; local x; ::f:: print(x)"))
print(load("do goto f; local x; ::f:: end") ~= nil)
print(load("break"))
print(load("for i=1,2 do end break"))
print(load("::l1:: do ::l1:: end"))
print(load("do ::l1:: end ::l1::") ~= nil)
local k = 0
while true do
  k = k + 1
  if k > 3 then goto out end
end
::out::
print(k)
