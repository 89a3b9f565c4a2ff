-- table.concat of characters and short pieces (one pass through a buffer) and of long ones.
local t = {}
for i = 1, 300 do t[i] = string.char(65 + i % 26) end
print(#table.concat(t), table.concat(t, "", 1, 5), table.concat(t, "", 290), table.concat({}, ""), table.concat({"ab", "", "c"}))
t[3] = "a much longer piece of text than one character"
print(table.concat(t, "", 1, 10), #table.concat(t, "", 1, 250))
print(pcall(table.concat, {1, "a", 2.5}), pcall(table.concat, {"a", {}}))
local big = {} for i = 1, 20 do big[i] = ("x"):rep(20) end print(#table.concat(big), table.concat(big, "", 1, 2))
