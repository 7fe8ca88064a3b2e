#!/bin/sh
# make bench: fanout against baselines measured in the same run, on the same
# files: a program that only parses every file with tree-sitter (one thread)
# and ast-grep with two rules (gather, create_task). Reports medians and
# ratios; asserts nothing about time (machines are noisy).
set -u
FANOUT=${1:-build/fanout}
BUILD=${BUILD:-build}
RUNS=${RUNS:-3}
LOG_MB=${BENCH_LOG_MB:-1024}
case $FANOUT in /*) ;; *) FANOUT=$(pwd)/$FANOUT ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the corpus: Debian's Python standard library and the async packages the tests use
std=/usr/lib/python3.11
[ -d "$std" ] || std=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
dirs="$std"
for pkg in aiohttp httpx anyio tenacity; do
  [ -d "/usr/lib/python3/dist-packages/$pkg" ] && dirs="$dirs /usr/lib/python3/dist-packages/$pkg"
done

if [ ! -x "$BUILD/npm/node_modules/.bin/ast-grep" ]; then
  echo "installing @ast-grep/cli@0.39.5 into $BUILD/npm"
  npm install --silent --no-audit --no-fund --prefix "$BUILD/npm" @ast-grep/cli@0.39.5 > /dev/null 2>&1
fi
ASTGREP=$BUILD/npm/node_modules/.bin/ast-grep
TIME=/usr/bin/time
[ -x "$TIME" ] || { apt-get install -y -qq time > /dev/null 2>&1 || true; }

# median wall seconds (and the largest peak RSS in kB) of a command
measure() { # NAME CMD...
  name=$1
  shift
  : > "$tmp/times"
  i=0
  while [ $i -lt "$RUNS" ]; do
    # wall time from the clock (ns), peak RSS from GNU time when it is there;
    # $PRE runs first, untimed
    [ -n "${PRE:-}" ] && sh -c "$PRE"
    s=$(date +%s%N)
    if [ -x "$TIME" ]; then
      "$TIME" -f "%M" -o "$tmp/one" "$@" > /dev/null 2>&1
    else
      "$@" > /dev/null 2>&1; echo 0 > "$tmp/one"
    fi
    e=$(date +%s%N)
    echo "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", (e - s) / 1e9 }') $(tail -1 "$tmp/one")" >> "$tmp/times"
    i=$((i + 1))
  done
  sort -n "$tmp/times" | awk -v n="$RUNS" 'NR == int((n + 1) / 2) { print $1 }' > "$tmp/$name.t"
  sort -n -k2 "$tmp/times" | tail -1 | awk '{ print $2 }' > "$tmp/$name.rss"
}
t() { cat "$tmp/$1.t"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# shellcheck disable=SC2086
files=$(find $dirs -name '*.py' | wc -l)
# shellcheck disable=SC2086
lines=$(find $dirs -name '*.py' -exec cat {} + | wc -l)
cores=$(nproc)
echo "fanout bench: $files files, $lines lines ($dirs), $cores cores, median of $RUNS runs"
echo

# shellcheck disable=SC2086
measure parse "$BUILD/bench_parse" $dirs
# shellcheck disable=SC2086
[ -x "$ASTGREP" ] && measure astgrep "$ASTGREP" scan -c tools/astgrep/sgconfig.yml $dirs
# the files check parses (the others are set aside), and parsing only them
# shellcheck disable=SC2086
"$FANOUT" check --no-cache -vv $dirs 2>&1 | sed -n 's/^parsed //p' > "$tmp/parsed.list"
nparsed=$(wc -l < "$tmp/parsed.list")
# shellcheck disable=SC2046
measure parsed "$BUILD/bench_parse" $(cat "$tmp/parsed.list")
# the floor of any design that parses whole files: parsing only the files
# that say async or await (every rule starts there), split evenly over the cores
# shellcheck disable=SC2086
find $dirs -name '*.py' -exec grep -lE 'async|await' {} + > "$tmp/async.list"
nasync=$(wc -l < "$tmp/async.list")
# shellcheck disable=SC2046
measure asyncparse "$BUILD/bench_parse" $(cat "$tmp/async.list")
# shellcheck disable=SC2086
measure check "$FANOUT" check --no-cache $dirs
# shellcheck disable=SC2086
measure check1 "$FANOUT" check --no-cache -j 1 $dirs
# shellcheck disable=SC2086
measure map "$FANOUT" map --no-cache $dirs
# the cache: cold (written), warm (nothing changed), one file changed (a copy of the corpus)
# shellcheck disable=SC2086
PRE="rm -rf '$tmp/cache'" measure cold "$FANOUT" check --cache-dir "$tmp/cache" $dirs
PRE=
# shellcheck disable=SC2086
"$FANOUT" check --cache-dir "$tmp/cache" $dirs > /dev/null 2>&1
# shellcheck disable=SC2086
measure warm "$FANOUT" check --cache-dir "$tmp/cache" $dirs
mkdir -p "$tmp/copy"
# shellcheck disable=SC2086
cp -r $dirs "$tmp/copy/"
copied=$(ls -d "$tmp"/copy/*)
# old files, as in a checkout that is not being edited (a status is trusted 2 s after a change)
find "$tmp/copy" -name '*.py' -exec touch -d '2020-01-01' {} +
# shellcheck disable=SC2086
"$FANOUT" check --cache-dir "$tmp/cache2" $copied > /dev/null 2>&1
# shellcheck disable=SC2086
PRE="echo '# edit' >> '$tmp/copy/python3.11/asyncio/tasks.py'" measure changed "$FANOUT" check --cache-dir "$tmp/cache2" $copied
PRE=

printf '%-44s %8s s\n' "parse only (tree-sitter, 1 thread)" "$(t parse)"
[ -x "$ASTGREP" ] && printf '%-44s %8s s\n' "ast-grep scan, 2 rules ($cores threads)" "$(t astgrep)"
printf '%-44s %8s s   %s x ast-grep (target <= 0.14), %s x parse-only (target <= 0.10)\n' \
  "fanout check ($cores threads)" "$(t check)" "$(ratio "$(t check)" "$(cat "$tmp/astgrep.t" 2>/dev/null || echo 0)")" \
  "$(ratio "$(t check)" "$(t parse)")"
printf '%-44s %8s s   floor: %s x parse-only on %s cores, ahead of any analysis\n' \
  "parse only the $nasync files with async/await" "$(t asyncparse)" \
  "$(awk -v a="$(t asyncparse)" -v c="$cores" -v p="$(t parse)" 'BEGIN { if (p > 0) printf "%.2f", a / c / p; else print "-" }')" "$cores"
over=$(awk -v a="$(t check1)" -v p="$(t parsed)" 'BEGIN { if (p > 0) printf "%.0f", (a - p) / p * 100; else print "-" }')
printf '%-44s %8s s\n' "parse only the $nparsed files check parses" "$(t parsed)"
printf '%-44s %8s s   analysis beyond parsing: %s%% of their parse time (target <= 25%%)\n' \
  "fanout check (1 thread)" "$(t check1)" "$over"
printf '%-44s %8s MB  (target <= 40 MB)\n' "fanout check peak RSS" "$(awk -v k="$(cat "$tmp/check.rss")" 'BEGIN { printf "%.1f", k / 1024 }')"
printf '%-44s %8s s   (%s x the cold check without the cache)\n' "fanout check cold, writing the cache" "$(t cold)" "$(ratio "$(t cold)" "$(t check)")"
printf '%-44s %8s ms  (target <= 30 ms), peak RSS %s MB\n' "warm re-run with the cache (nothing changed)" \
  "$(awk -v a="$(t warm)" 'BEGIN { printf "%.0f", a * 1000 }')" "$(awk -v k="$(cat "$tmp/warm.rss")" 'BEGIN { printf "%.1f", k / 1024 }')"
printf '%-44s %8s ms  peak RSS %s MB\n' "re-run after a one-file edit (asyncio/tasks.py)" \
  "$(awk -v a="$(t changed)" 'BEGIN { printf "%.0f", a * 1000 }')" "$(awk -v k="$(cat "$tmp/changed.rss")" 'BEGIN { printf "%.1f", k / 1024 }')"

# the pre-commit case: one changed file, the project read around it
one=$std/asyncio/tasks.py
measure precommit "$FANOUT" check --no-cache "$one"
printf '%-44s %8s s\n' "pre-commit: check one file ($one)" "$(t precommit)"

# LSP: one-line edits re-linted, per edit: (a session of 40 edits - one of
# none) / 40. A generated 5k-line file alone, and a 500-line file of a real
# package with the package around it (code typed, and a comment typed).
mkdir -p "$tmp/lsp"
awk 'BEGIN { print "import asyncio, httpx"; for (i = 0; i < 1250; i++) { printf "async def f%d(client: httpx.AsyncClient, urls):\n    r = await asyncio.gather(*[client.get(u) for u in urls])\n    x = %d\n    return r\n", i, i } }' > "$tmp/lsp/big.py"
frame() { printf 'Content-Length: %d\r\n\r\n%s' "$(printf '%s' "$1" | wc -c)" "$1"; }
session() { # ROOT FILE EDITS LINE START END TEXT0 TEXT1: the edits put TEXT0, TEXT1, TEXT0, ... in LINE:START-END
  uri="file://$2"
  frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":"file://'"$1"'","capabilities":{}}}'
  # JSON string escapes; a backslash is doubled: gsub writes the four in "\\\\\\\\" as two
  text=$(awk '{ gsub(/\\/, "\\\\\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); printf "%s\\n", $0 }' "$2")
  frame '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"'"$uri"'","languageId":"python","version":1,"text":"'"$text"'"}}}'
  k=0
  while [ $k -lt "$3" ]; do
    if [ $((k % 2)) = 0 ]; then edit=$7; else edit=$8; fi
    frame '{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"'"$uri"'","version":'$((k + 2))'},"contentChanges":[{"range":{"start":{"line":'"$4"',"character":'"$5"'},"end":{"line":'"$4"',"character":'"$6"'}},"text":"'"$edit"'"}]}}'
    k=$((k + 1))
  done
  frame '{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
  frame '{"jsonrpc":"2.0","method":"exit"}'
}
lsp_bench() { # NAME LABEL ROOT FILE LINE START END TEXT0 TEXT1 TARGET
  # a session of 40 edits and one of none, timed one after the other in each
  # round (a busy moment hits both); the median over rounds of their
  # difference / 40
  session "$3" "$4" 0 "$5" "$6" "$7" "$8" "$9" > "$tmp/$1.0.in"
  session "$3" "$4" 40 "$5" "$6" "$7" "$8" "$9" > "$tmp/$1.40.in"
  : > "$tmp/$1.per"
  r=0
  while [ $r -lt $((RUNS > 5 ? RUNS : 5)) ]; do
    s0=$(date +%s%N)
    "$FANOUT" lsp < "$tmp/$1.0.in" > /dev/null 2>&1
    s1=$(date +%s%N)
    "$FANOUT" lsp < "$tmp/$1.40.in" > /dev/null 2>&1
    s2=$(date +%s%N)
    awk -v a="$s0" -v b="$s1" -v c="$s2" 'BEGIN { printf "%.3f\n", ((c - b) - (b - a)) / 40 / 1e6 }' >> "$tmp/$1.per"
    r=$((r + 1))
  done
  printf '%-44s %8s ms per edit  (target <= %s ms)\n' "$2" \
    "$(sort -n "$tmp/$1.per" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] }')" "${10}"
}
# the 5k-line file: `x = 0` on line 4 becomes `x = 1`, and back
lsp_bench lsp "LSP re-lint after a one-line edit (5k lines)" "$tmp/lsp" "$tmp/lsp/big.py" 3 8 9 1 0 15
real=/usr/lib/python3/dist-packages/aiohttp/web_ws.py
if [ -f "$real" ]; then
  n=$(wc -l < "$real")
  # code: `x = 1` at the end, then `x = 2`, ... (the file's facts change: all is redone)
  lsp_bench lspcode "LSP, $n-line file in its package: code" "$(dirname "$real")" "$real" "$n" 0 5 'x = 1' 'x = 2' 5
  # a comment typed on an empty line (the facts stay: nothing is redone)
  empty=$(awk 'NF == 0 { print NR - 1; exit }' "$real")
  lsp_bench lspreal "LSP, $n-line file in its package: comment" "$(dirname "$real")" "$real" "$empty" 0 0 '#' '#' 5
fi

# report throughput on a generated log: the demo's recorded run, repeated
# with the clock moving on, to BENCH_LOG_MB; memory is compared with a log
# an eighth the size (flat: the same)
awk -v bytes=$((LOG_MB * 1024 * 1024 / 8)) -f tools/genlog.awk corpus/demo/run/run.log > "$tmp/small.log"
RUNS=1 measure small "$FANOUT" report --log "$tmp/small.log" corpus/demo
rm -f "$tmp/small.log"
awk -v bytes=$((LOG_MB * 1024 * 1024)) -f tools/genlog.awk corpus/demo/run/run.log > "$tmp/big.log"
size=$(wc -c < "$tmp/big.log")
measure report "$FANOUT" report --log "$tmp/big.log" corpus/demo
printf '%-44s %8s MB/s on %s MB (target >= 500 MB/s), peak RSS %s MB (%s MB on %s MB)\n' "report throughput" \
  "$(awk -v s="$size" -v t="$(t report)" 'BEGIN { if (t > 0) printf "%.0f", s / 1048576 / t; else print "-" }')" \
  "$((size / 1048576))" "$(awk -v k="$(cat "$tmp/report.rss")" 'BEGIN { printf "%.1f", k / 1024 }')" \
  "$(awk -v k="$(cat "$tmp/small.rss")" 'BEGIN { printf "%.1f", k / 1024 }')" "$((size / 8 / 1048576))"

# generated worst cases: cost must follow the code's size, not sites x
# bindings; each is timed against parsing the same file (target <= 3 x)
mkdir -p "$tmp/gen"
awk 'BEGIN { print "import asyncio\nimport httpx\nclient = httpx.AsyncClient()\n\nasync def fetch(u):\n    return await client.get(u)\n\nasync def main(urls):"; for (i = 0; i < 16000; i++) printf "    r%d = await asyncio.gather(*[fetch(u) for u in urls])\n    x%d = r%d\n", i, i, i }' > "$tmp/gen/gathers.py"
awk 'BEGIN { print "import asyncio\nimport httpx\nclient = httpx.AsyncClient()\n\nasync def f0(u):\n    return await client.get(u)\n"; for (i = 1; i < 20000; i++) printf "async def f%d(u):\n    return await f%d(u)\n\n", i, i - 1; print "async def main(urls):\n    return await asyncio.gather(*[f19999(u) for u in urls])" }' > "$tmp/gen/chain.py"
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "import asyncio\nasync def g%d(xs):\n    return await asyncio.gather(*[asyncio.sleep(x) for x in xs])\n", i }' > "$tmp/gen/imports.py"
for g in gathers chain imports; do # each alone: a file checked reads the project around it
  mkdir -p "$tmp/gen/$g"
  mv "$tmp/gen/$g.py" "$tmp/gen/$g/"
  measure "gp_$g" "$BUILD/bench_parse" "$tmp/gen/$g/$g.py"
  measure "gc_$g" "$FANOUT" check --no-cache "$tmp/gen/$g/$g.py"
done
printf '%-44s %8s s   %s x its parse (target <= 3)\n' "one function of 16 000 gathers" "$(t gc_gathers)" "$(ratio "$(t gc_gathers)" "$(t gp_gathers)")"
printf '%-44s %8s s   %s x its parse (target <= 3)\n' "20 000 chained async defs" "$(t gc_chain)" "$(ratio "$(t gc_chain)" "$(t gp_chain)")"
printf '%-44s %8s s   %s x its parse (target <= 3)\n' "20 000 repeated import + def" "$(t gc_imports)" "$(ratio "$(t gc_imports)" "$(t gp_imports)")"

# SARIF fingerprints read each file once: 400 findings in one file cost
# about what text output does (target <= 2 x)
mkdir -p "$tmp/gen/sarif"
awk 'BEGIN { print "import asyncio\nimport httpx\n\nasync def fetch(u):\n    async with httpx.AsyncClient() as c:\n        return await c.get(u)\n"; for (i = 0; i < 200; i++) printf "async def f%d(urls):\n    return await asyncio.gather(*[fetch(u) for u in urls])\n\n", i }' > "$tmp/gen/sarif/sarif.py"
measure text400 "$FANOUT" check --no-cache "$tmp/gen/sarif/sarif.py"
measure sarif400 "$FANOUT" check --no-cache --format sarif "$tmp/gen/sarif/sarif.py"
printf '%-44s %8s s   %s x text output (target <= 2)\n' "SARIF of 400 findings in one file" "$(t sarif400)" "$(ratio "$(t sarif400)" "$(t text400)")"

# how time and memory grow with the project: 1, 2, 4 and 8 M lines of Debian's
# packages replicated, fanout and ast-grep interleaved (BENCH_SCALE=none skips it)
echo
[ "${BENCH_SCALE:-}" = none ] || sh tools/bench_scale.sh "$FANOUT" "$ASTGREP"
