-- Syntax errors as load() reports them.
local cases = {
  "x = = 1", "x = 1 +", "f(", "local 1", "if x then", "if x then\n\n", "for i = 1 do end",
  "for i do end", "function f( end", "a.b:c = 1", "x = }", "x = 0x", "x = 1e", "return 3..4",
  "x = @", "x = 'abc", "x = [==[ abc", "--[[ unfinished", "x = [=abc", "local function end",
  "return return", "x = 1 y = 2 z", "(f)", "a, b", "local t = {1, 2", "print('a' 'b')",
  "x = 3 = 4", "return ...", "function f() return ... end", "local x <foo> = 1",
  "local x <const> = 1; x = 2", "while true do", "repeat x = 1", "elseif", "end", "until x",
  "x = function", "local function f() end end", "t = {[1] 2}", "goto 1", "::a", "x = #",
  "x = 1 .. ", "x = not", "x.y.z", "x:y", "return 1,", "do local a = 1 a = end",
}
for _, src in ipairs(cases) do
  local f, err = load(src)
  print(f and "ok" or err)
end
print(type(load("return 1", "=custom")))
print(select(2, load("x = =", "=custom")))
print(select(2, load("x = =", "@file.lua")))
print(select(2, load("\n\n\nx = =")))
print(select(2, load(string.rep("x", 70) .. " = =")))
print(select(2, load("x = = -- " .. string.rep("y", 100))))
