-- An error that nobody catches ends the program with a message on stderr.
print("before")
local function fail(x)
  return x.field
end
fail(nil)
print("not reached")
