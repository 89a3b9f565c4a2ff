-- if/elseif/else, while, repeat (with body locals visible in 'until'), break.
local function classify(n)
  if n < 0 then return "negative"
  elseif n == 0 then return "zero"
  elseif n < 10 then return "small"
  else return "large" end
end
print(classify(-5), classify(0), classify(5), classify(50))
local i = 0
while true do
  i = i + 1
  if i >= 5 then break end
end
print(i)
local j = 0
repeat
  local done = j >= 3
  j = j + 1
until done
print(j)
local out = {}
for a = 1, 3 do
  for b = 1, 3 do
    if b > a then break end
    out[#out + 1] = a .. b
  end
end
print(table.concat(out, " "))
local k = 10
while k > 0 do k = k - 3 end
print(k)
local s = 0
for n = 1, 100 do
  if n % 3 == 0 then
    s = s + n
  elseif n % 5 == 0 then
    s = s - n
  end
end
print(s)
do
  local scoped = "inner"
  print(scoped)
end
print(scoped)
local depth = 0
for a = 1, 2 do for b = 1, 2 do for c = 1, 2 do depth = depth + a * b * c end end end
print(depth)
local function early(n)
  for x = 1, 10 do
    if x == n then return "found " .. x end
  end
  return "not found"
end
print(early(4), early(11))
local w = 0
while w < 10 do
  w = w + 1
  if w % 2 == 0 then goto cont end
  if w > 7 then break end
  ::cont::
end
print(w)
