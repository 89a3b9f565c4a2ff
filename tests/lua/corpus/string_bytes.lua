-- Strings are 8-bit clean: every byte value survives patterns, formatting and files.
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
local s = table.concat(all)
print(#s, s:byte(1), s:byte(-1), s:sub(128, 130):byte(1, -1))
local up, lo = s:upper(), s:lower()
print(#up, up:byte(98), lo:byte(66), up:byte(200), s:reverse():byte(1))
print(select(2, s:gsub("%c", "")), select(2, s:gsub("%a", "")), select(2, s:gsub("%p", "")), select(2, s:gsub("%s", "")))
print(select(2, s:gsub("[\0-\31]", "")), select(2, s:gsub("[\128-\255]", "")), s:find("\0", 1, true), s:find("%z"))
local q = string.format("%q", s)
print(#q, load("return " .. q)() == s)
local name = os.tmpname()
local f = io.open(name, "wb") f:write(s) f:close()
f = io.open(name, "rb") local back = f:read("a") f:close()
print(back == s, #back)
os.remove(name)
print(("a\0b\0c"):gsub("\0", "|"), #("\0"):rep(10), ("x\0y"):upper())
print(("\xff\xfe"):byte(1, 2), "\u{FF}" == "\xc3\xbf")
-- positions out of range: the end defaults to the start as given, so these give no value
local word = "hello"
for _, i in ipairs({-9, -6, -5, -1, 0, 1, 5, 6}) do
  print("byte", i, select("#", word:byte(i)), word:byte(i), word:byte(i, -1))
end
