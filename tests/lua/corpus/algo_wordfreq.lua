-- Word frequencies with gmatch, lower-casing and a stable presentation order.
local text = [[
It was the best of times, it was the worst of times, it was the age of wisdom,
it was the age of foolishness, it was the epoch of belief, it was the epoch of
incredulity, it was the season of Light, it was the season of Darkness, it was
the spring of hope, it was the winter of despair.]]
local freq = {}
local total = 0
for w in text:gmatch("%a+") do
  w = w:lower()
  freq[w] = (freq[w] or 0) + 1
  total = total + 1
end
local list = {}
for w, c in pairs(freq) do list[#list + 1] = {w = w, c = c} end
table.sort(list, function(a, b) if a.c ~= b.c then return a.c > b.c end return a.w < b.w end)
print(total, #list)
for i = 1, 8 do print(string.format("%-8s %3d %5.1f%%", list[i].w, list[i].c, 100 * list[i].c / total)) end
local longest = ""
for w in pairs(freq) do if #w > #longest or (#w == #longest and w < longest) then longest = w end end
print(longest)
