return {value = "pkg init"}
