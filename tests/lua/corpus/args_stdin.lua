-- The global 'arg', the main chunk's '...', and reading standard input.
print(arg[0], #arg, arg[1], arg[2], arg[3])
print(select("#", ...), ...)
local n1, n2 = io.read("n", "n")
print(n1, n2, math.type(n1), math.type(n2))
print(io.read("l"))
print(io.read("L"))
for line in io.lines() do io.write("<", line, ">") end
print()
print(io.read("a") == "", io.read("l"))
