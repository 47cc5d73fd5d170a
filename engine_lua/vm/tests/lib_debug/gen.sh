#!/bin/sh
# Regenerates the expected outputs from the reference interpreter:
# stdout, then the uncaught error (if any) as `lua: message` + traceback.
cd "$(dirname "$0")"
for f in *.lua; do
  out="${f%.lua}.out"
  lua5.4 "$f" > "$out" 2> /tmp/gen_err.txt
  sed 's/^lua5.4: /lua: /' /tmp/gen_err.txt >> "$out"
done
