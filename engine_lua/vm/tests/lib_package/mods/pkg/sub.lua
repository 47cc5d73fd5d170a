return {value = "pkg.sub"}
