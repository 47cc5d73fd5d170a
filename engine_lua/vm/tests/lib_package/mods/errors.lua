error("module failed")
