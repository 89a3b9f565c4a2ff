-- Objects with methods through metatables; inheritance.
local Animal = {}
Animal.__index = Animal
function Animal.new(name, sound) return setmetatable({name = name, sound = sound}, Animal) end
function Animal:speak() return self.name .. " says " .. self.sound end
function Animal:rename(n) self.name = n; return self end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name, "woof"); return setmetatable(d, Dog) end
function Dog:fetch() return self.name .. " fetches" end
function Dog:speak() return Animal.speak(self) .. "!" end
local a = Animal.new("cat", "meow")
local d = Dog.new("rex")
print(a:speak(), d:speak(), d:fetch())
print(d:rename("max"):speak())
print(getmetatable(d) == Dog, rawget(d, "speak"), d.speak == Dog.speak)
local Stack = {}
Stack.__index = Stack
function Stack.new() return setmetatable({n = 0, items = {}}, Stack) end
function Stack:push(v) self.n = self.n + 1; self.items[self.n] = v end
function Stack:pop() local v = self.items[self.n]; self.items[self.n] = nil; self.n = self.n - 1; return v end
local s = Stack.new()
for i = 1, 5 do s:push(i * i) end
print(s:pop(), s:pop(), s.n)
local obj = {value = 3}
function obj.get(self) return self.value end
print(obj:get(), obj.get(obj), obj.get({value = 9}))
local str = "method"
print(str:upper(), ("%s-%s"):format(str, str:len()))
print(pcall(function() local o = {} return o:missing() end))
print(pcall(function() return a.nosuch:thing() end))
local Base = {}
Base.__index = Base
function Base:describe() return "I am " .. self:kind() end
function Base:kind() return "base" end
local Derived = setmetatable({kind = function() return "derived" end}, {__index = Base})
Derived.__index = Derived
print(setmetatable({}, Base):describe(), setmetatable({}, Derived):describe())
