#!/bin/sh
# tools/bench_scale.sh FANOUT ASTGREP: how fanout's time and peak RSS grow with
# the project, beside ast-grep's in the same run. A corpus of about 1, 2, 4
# and 8 million lines is made by replicating real packages from Debian (the
# standard library and the async packages) under renamed directories, as
# hard links; each round runs fanout and ast-grep on every size, one after
# the other, so a busy moment of the machine hits both. Reports medians of
# BENCH_SCALE_RUNS rounds (default 3) and asserts nothing.
# BENCH_SCALE="1 2 4 8" chooses the sizes (millions of lines). Then the
# pre-commit case: one file checked in the largest tree, made one project.
set -u
FANOUT=$1
ASTGREP=$2
SIZES=${BENCH_SCALE:-1 2 4 8}
RUNS=${BENCH_SCALE_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TIME=/usr/bin/time

src="/usr/lib/python3.11"
[ -d "$src" ] || src=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
for pkg in aiohttp httpx anyio tenacity; do
  [ -d "/usr/lib/python3/dist-packages/$pkg" ] && src="$src /usr/lib/python3/dist-packages/$pkg"
done
# shellcheck disable=SC2086
unit=$(find $src -name '*.py' -exec cat {} + | wc -l)

# copy k of the sources: $tmp/copies/c<k>/<name><k>/... (hard links where the
# file system allows, else copies)
copies=0
grow_to() { # N copies
  while [ "$copies" -lt "$1" ]; do
    copies=$((copies + 1))
    d="$tmp/copies/c$copies"
    mkdir -p "$d"
    for s in $src; do
      cp -rl "$s" "$d/$(basename "$s")$copies" 2> /dev/null || cp -r "$s" "$d/$(basename "$s")$copies"
    done
  done
}

# median of the numbers in a file
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }

one() { # TOOL SIZE CMD...: wall seconds and peak kB appended to $tmp/TOOL.SIZE.{t,m}
  tool=$1 size=$2
  shift 2
  s=$(date +%s%N)
  "$TIME" -f "%M" -o "$tmp/rss" "$@" > /dev/null 2>&1
  e=$(date +%s%N)
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", (e - s) / 1e9 }' >> "$tmp/$tool.$size.t"
  tail -1 "$tmp/rss" >> "$tmp/$tool.$size.m"
}

echo "scaling: copies of $unit lines ($src), median of $RUNS interleaved rounds"
for size in $SIZES; do
  n=$(awk -v s="$size" -v u="$unit" 'BEGIN { n = int(s * 1e6 / u + 0.5); print n < 1 ? 1 : n }')
  grow_to "$n"
  echo "$n" > "$tmp/n$size"
done
dirs_of() { # SIZE: the copies that make it
  k=1
  while [ $k -le "$(cat "$tmp/n$1")" ]; do printf '%s ' "$tmp/copies/c$k"; k=$((k + 1)); done
}
r=0
while [ $r -lt "$RUNS" ]; do
  for size in $SIZES; do
    dirs=$(dirs_of "$size")
    # shellcheck disable=SC2086
    one fanout "$size" "$FANOUT" check --no-cache $dirs
    # shellcheck disable=SC2086
    [ -x "$ASTGREP" ] && one astgrep "$size" "$ASTGREP" scan -c tools/astgrep/sgconfig.yml $dirs
  done
  r=$((r + 1))
done
printf '%-10s %10s %10s %12s %10s %10s\n' "lines" "fanout s" "peak MB" "ast-grep s" "peak MB" "ratio"
for size in $SIZES; do
  ft=$(median "$tmp/fanout.$size.t") fm=$(median "$tmp/fanout.$size.m")
  at=0 am=0
  [ -s "$tmp/astgrep.$size.t" ] && at=$(median "$tmp/astgrep.$size.t") am=$(median "$tmp/astgrep.$size.m")
  n=$(cat "$tmp/n$size")
  awk -v n="$n" -v u="$unit" -v ft="$ft" -v fm="$fm" -v at="$at" -v am="$am" 'BEGIN {
    printf "%-10s %10.2f %10.1f %12.2f %10.1f %10s\n", sprintf("%.2f M", n * u / 1e6), ft, fm / 1024,
      at, am / 1024, (at > 0 ? sprintf("%.2f", ft / at) : "-") }'
done
echo "targets: fanout <= 0.5 x ast-grep; peak RSS <= 150 MB at 8 M lines"
# the pre-commit case in a big project: one file checked, the project around it read (a
# `.git` at the top makes all the copies one project); the copies are only read
last=$(echo "$SIZES" | awk '{ print $NF }')
file=$(find "$tmp/copies/c1" -name web_ws.py | head -1)
if [ -n "$file" ]; then
  mkdir -p "$tmp/copies/.git"
  one pre "$last" "$FANOUT" check --no-cache "$file"
  awk -v t="$(median "$tmp/pre.$last.t")" -v m="$(median "$tmp/pre.$last.m")" -v n="$(cat "$tmp/n$last")" -v u="$unit" 'BEGIN {
    printf "pre-commit: check one file in the %.2f M-line project: %.2f s, %.1f MB (target <= 40 MB)\n", n * u / 1e6, t, m / 1024 }'
fi
