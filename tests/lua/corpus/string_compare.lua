-- String ordering is bytewise (C locale) and handles embedded zeros.
local words = {"b", "a", "B", "A", "ab", "aB", "", " ", "a b", "\0", "a\0", "a\0b", "\255", "~", "0", "9"}
table.sort(words)
local out = {}
for i, w in ipairs(words) do out[i] = string.format("%q", w) end
print(table.concat(out, " "))
print("a" < "b", "abc" < "abd", "abc" < "ab", "" < "\0", "\0" < "\1", "Z" < "a")
print("10" < "9", "10" < "10.0", "-1" < "-2")
print(("x"):rep(100) < ("x"):rep(101), ("x"):rep(100) == ("x"):rep(100))
local long1 = string.rep("ab", 1000) .. "c"
local long2 = string.rep("ab", 1000) .. "d"
print(long1 < long2, long1 == long2, long1 == string.rep("ab", 1000) .. "c")
print("a" <= "a", "a" >= "b", "b" > "a")
