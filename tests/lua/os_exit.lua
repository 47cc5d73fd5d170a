-- os.exit flushes buffered output and sets the exit status; code after it does not run.
io.write("buffered without newline ")
print("then a line")
io.stdout:write("via io.stdout\n")
os.exit(3)
print("not reached")
