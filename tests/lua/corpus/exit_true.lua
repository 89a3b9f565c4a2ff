-- os.exit(true) exits successfully.
io.write("bye")
os.exit(true)
