return require("loopb")
