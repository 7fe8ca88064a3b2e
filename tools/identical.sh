#!/bin/sh
# tools/identical.sh OLD NEW: whether two fanout builds print the same bytes
# for every command on the same inputs (the standard library, Debian's async
# packages, corpus/ and the development pipelines when they are unpacked).
# A refactoring must print nothing here; a change that means to alter output
# names what differs. Prints one line per difference and "N same, N differ".
set -u
OLD=${1:?usage: tools/identical.sh OLD-FANOUT NEW-FANOUT}
NEW=${2:?usage: tools/identical.sh OLD-FANOUT NEW-FANOUT}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
std=/usr/lib/python3.11
[ -d "$std" ] || std=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
trees="$std corpus"
for pkg in aiohttp httpx anyio tenacity; do
  [ -d "/usr/lib/python3/dist-packages/$pkg" ] && trees="$trees /usr/lib/python3/dist-packages/$pkg"
done
for r in build/realcode/*/; do [ -d "$r" ] && trees="$trees ${r%/}"; done
same=0 differ=0
compare() { # LABEL ARGS...: run both builds, compare stdout, stderr and exit code
  label=$1
  shift
  "$OLD" "$@" > "$tmp/o.out" 2> "$tmp/o.err"
  echo "rc $?" >> "$tmp/o.err"
  "$NEW" "$@" > "$tmp/n.out" 2> "$tmp/n.err"
  echo "rc $?" >> "$tmp/n.err"
  if cmp -s "$tmp/o.out" "$tmp/n.out" && cmp -s "$tmp/o.err" "$tmp/n.err"; then
    same=$((same + 1))
  else
    differ=$((differ + 1))
    echo "DIFFER: $label"
  fi
}
for t in $trees; do
  for fmt in text json sarif github markdown; do
    compare "check --format $fmt $t" check --no-cache --include all --format "$fmt" "$t"
  done
  compare "check $t (default policy)" check --no-cache "$t"
  compare "map $t" map --no-cache "$t"
  compare "map --format json $t" map --no-cache --format json "$t"
done
# trace: the development set's markers, each in its repository
if [ -f ../shared/realcode/markers.tsv ]; then
  tail -n +2 ../shared/realcode/markers.tsv | while IFS="$(printf '\t')" read -r repo line _; do
    dir=build/realcode/$(echo "$repo" | tr / +)
    [ -d "$dir" ] && printf '%s\t%s\n' "$dir" "$line"
  done > "$tmp/markers"
  while IFS="$(printf '\t')" read -r dir line; do
    compare "trace in $dir" trace --no-cache "$line" "$dir"
  done < "$tmp/markers"
fi
while IFS="$(printf '\t')" read -r line _; do
  compare "trace idiom" trace --no-cache "$line" corpus/trace/idioms
done < corpus/trace/idioms/lines.tsv
# report on the recorded runs, in every format
for d in corpus/demos/*/; do
  d=${d%/}
  for log in "$d"/run/*.log "$d"/run/*.jsonl; do
    case $log in */rss*.log | *'*'*) continue ;; esac
    rss=$d/run/rss.log
    case $log in *libonly*) rss=$d/run/rss-libonly.log ;; esac
    for fmt in markdown json html; do
      if [ -f "$rss" ]; then
        compare "report $log $fmt" report --no-cache --format "$fmt" --log "$log" --rss "$rss" "$d"
      else
        compare "report $log $fmt" report --no-cache --format "$fmt" --log "$log" "$d"
      fi
    done
  done
done
compare "rules" rules
compare "rules --format markdown" rules --format markdown
compare "facts corpus" facts corpus
echo "$same same, $differ differ"
[ "$differ" -eq 0 ]
