-- string.format's %s with width and precision, and %d in every form.
local f = string.format
print(f("[%s][%5s][%-5s][%.2s][%5.1s][%-5.3s][%.s][%.0s][%99s]", "abc", "abc", "abc", "abc", "abc", "abcdef", "abc", "abc", "x"))
print(f("[%--7s][%12s][%-12s]", "hi", "exactly12chr", "longer than twelve"))
print(f("%d|%5d|%-5d|%05d|%+d|% d|%i|%d", 7, -7, 7, 7, 7, 7, -12, math.mininteger))
print(pcall(f, "%0s", "x"), pcall(f, "%100s", "x"), pcall(f, "%.100s", "x"))
print(f("%s|%10s", 12, 1.5), f("%-3s|", true and "yes"))
