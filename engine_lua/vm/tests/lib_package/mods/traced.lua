return debug.traceback("inside a module")
