return require("loopa")
