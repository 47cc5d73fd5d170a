#!/bin/sh
# Regenerates the expected output from the reference interpreter, run from the
# crate's directory (as `cargo test` runs) with DIR set to this directory.
cd "$(dirname "$0")/../.."
lua5.4 -e "DIR='tests/lib_package'" tests/lib_package/require.lua > tests/lib_package/require.out 2>&1
