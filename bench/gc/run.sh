#!/usr/bin/env bash
# GC benchmark (not a timed test): step pauses of elua's incremental collector on a
# large live heap, and peak memory (max RSS) of elua against lua5.4 on the same
# programs. Usage: bench/gc/run.sh [heap MB, default 300] [binary_trees depth, default 16]
set -euo pipefail
cd "$(dirname "$0")/../.."
MB=${1:-300}
DEPTH=${2:-16}
cargo build --release -q -p engine_lua_cli
cargo build --release -q -p engine_lua --example gc_pauses
echo "== step pauses on a ${MB} MB live heap (elua, default pause/stepmul/stepsize)"
target/release/examples/gc_pauses bench/gc/heap.lua "$MB" | tail -2
echo "== steps from Lua (collectgarbage(\"step\", 0), CPU time), elua and lua5.4"
for interp in lua5.4 target/release/elua; do $interp bench/gc/steps.lua "$MB"; done
for prog in "bench/gc/heap.lua $MB" "bench/gc/steps.lua $MB" "bench/binary_trees.lua $DEPTH"; do
  for interp in lua5.4 target/release/elua; do
    /usr/bin/time -f "$interp $prog: max RSS %M KB, %e s" $interp $prog >/dev/null
  done
done
