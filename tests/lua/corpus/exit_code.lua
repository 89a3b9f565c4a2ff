-- os.exit ends the program with the given status after flushing output.
io.write("flushed before exit\n")
print("also printed")
os.exit(3)
print("never")
