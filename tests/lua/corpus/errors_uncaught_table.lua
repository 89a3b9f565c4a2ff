io.write("partial line")
error({})
