-- string.gmatch iteration.
for w in ("one two  three"):gmatch("%a+") do io.write("<", w, ">") end print()
for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do io.write(k, ":", v, " ") end print()
for pos in ("abc"):gmatch("()") do io.write(pos, " ") end print()
for m in ("aaa"):gmatch("a*") do io.write("[", m, "]") end print()
for m in (""):gmatch(".") do io.write("never") end print("empty ok")
local count = 0
for _ in ("the quick brown fox jumps over the lazy dog"):gmatch("the") do count = count + 1 end
print(count)
for a, b in ("1,2;3,4;5,6"):gmatch("(%d),(%d)") do io.write(a + b, " ") end print()
local words = {}
for w in ("Lua is fun, isn't it?"):gmatch("[%w']+") do words[#words + 1] = w end
print(#words, table.concat(words, "|"))
local it = ("x y z"):gmatch("%a")
print(it(), it(), it(), it())
for line in ("l1\nl2\n\nl4"):gmatch("([^\n]*)\n?") do io.write("(", line, ")") end print()
for d in ("12ab34cd"):gmatch("%d+", 3) do io.write(d, ";") end print()
