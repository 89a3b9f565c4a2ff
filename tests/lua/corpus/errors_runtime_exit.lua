-- error() with a message from the main chunk.
local t = {1, 2, 3}
print(#t)
error("fatal: " .. #t)
