#!/bin/sh
# The include graph of src/ against the stages the README's Architecture
# section lists: a file includes only its own stage's headers or earlier
# stages', and the graph has no cycle (tsort finds one). Prints one line per
# offending edge and "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# "N. stage: module module ..." lines of the README section, as "module stage"
sed -n '/^## Architecture/,/^## /p' README.md | sed -n 's/^\([0-9]\)\. [a-z]*: //p' > "$tmp/lines"
sed -n '/^## Architecture/,/^## /p' README.md | sed -n 's/^\([0-9]\)\. [a-z]*: .*/\1/p' > "$tmp/nums"
paste -d' ' "$tmp/nums" "$tmp/lines" | awk '{ for (i = 2; i <= NF; i++) print $i, $1 }' > "$tmp/stage"
pass=0 fail=0
stage_of() { # module -> stage number, or empty
  awk -v m="$1" '$1 == m { print $2 }' "$tmp/stage"
}
module_of() { # src file -> module: check_*.c is analysis's, cli_*.c main's cli; sites.c, facts_pack.c and the
  # walk's internal header facts_walk.h are facts'
  b=$(basename "$1"); b=${b%.*}
  case $b in check_*) echo analysis ;; cli_*) echo cli ;; timeline_*) echo timeline ;; index_*) echo index ;;
    sites_*) echo facts ;; model_*) echo model ;; report_*) echo report ;;
    sites | facts_*) echo facts ;; *) echo "$b" ;; esac
}
: > "$tmp/edges"
for f in src/*.c src/*.h; do
  from=$(module_of "$f")
  s=$(stage_of "$from")
  if [ -z "$s" ]; then fail=$((fail + 1)); echo "FAIL: $f: module $from is in no stage of the README"; continue; fi
  for inc in $(sed -n 's/^#include "\([a-z_]*\)\.h".*/\1/p' "$f"); do
    [ "$inc" = build_id ] && continue
    [ "$inc" = rule_table ] && continue # generated: the rule docs as a table
    inc=$(module_of "$inc")
    t=$(stage_of "$inc")
    [ "$inc" = "$from" ] && continue
    echo "$from $inc" >> "$tmp/edges"
    if [ -z "$t" ]; then fail=$((fail + 1)); echo "FAIL: $f includes $inc.h, in no stage"
    elif [ "$t" -gt "$s" ]; then fail=$((fail + 1)); echo "FAIL: $f (stage $s) includes $inc.h (stage $t)"
    else pass=$((pass + 1)); fi
  done
done
if tsort "$tmp/edges" > /dev/null 2> "$tmp/loops"; then pass=$((pass + 1))
else fail=$((fail + 1)); echo "FAIL: the include graph has a cycle:"; cat "$tmp/loops"; fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
