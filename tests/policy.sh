#!/bin/sh
# One policy for every command: the same project and configuration through
# check, map, trace, report and lsp must show the same findings, with the
# same severity; what the configuration ignores, a noqa suppresses or test
# code holds shows in none of them. Prints "N passed, N failed".
set -u
FANOUT=${1:-build/fanout}
case $FANOUT in /*) ;; *) FANOUT=$(pwd)/$FANOUT ;; esac
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp -r corpus/projects/configured "$tmp/p"
cd "$tmp/p" || exit 1
frame() { printf 'Content-Length: %d\r\n\r\n%s' "$(printf '%s' "$1" | wc -c)" "$1"; }

# Each command's findings as "path:line CODE severity" lines, sorted.
"$FANOUT" check --no-cache --format json . > "$tmp/check.json" 2> /dev/null
python3 - "$tmp/check.json" > "$tmp/check" << 'EOF'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    print(f"{f['path']}:{f['line']} {f['code']} {f['severity']}")
EOF
"$FANOUT" map --format json . > "$tmp/map.json" 2> /dev/null
python3 - "$tmp/map.json" > "$tmp/map" << 'EOF'
import json, sys
seen = set()
for o in json.load(open(sys.argv[1]))["orchestrators"]:
    for f in o["findings"]:
        seen.add(f"{f['path']}:{f['line']} {f['code']} {f['severity']}")
print("\n".join(sorted(seen)))
EOF
"$FANOUT" trace "Fetching 12 pages" . 2> /dev/null |
  sed -nE 's/^  finding +([^:]+):([0-9]+):[0-9]+: (FAN[0-9]+) \[([a-z]+)\].*/\1:\2 \3 \4/p' | sort -u > "$tmp/trace"
printf '2026-12-01T10:00:00.000Z INFO pipeline.fetch: Fetching 12 pages\n' > "$tmp/run.log"
"$FANOUT" report --format json --log "$tmp/run.log" . > "$tmp/report.json" 2> /dev/null
python3 - "$tmp/report.json" > "$tmp/report" << 'EOF'
import json, sys
for f in json.load(open(sys.argv[1]))["top"]:
    if f.get("path"):
        print(f"{f['path']}:{f['line']} {f['code']} {f['severity']}")
EOF
root=$(pwd)
{
  frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":"file://'"$root"'","capabilities":{}}}'
  for f in pipeline/fetch.py pipeline/store.py pipeline/legacy.py tests/test_fetch.py; do
    text=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$f")
    frame '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file://'"$root/$f"'","languageId":"python","version":1,"text":'"$text"'}}}'
  done
  frame '{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
  frame '{"jsonrpc":"2.0","method":"exit"}'
} > "$tmp/lsp.in"
timeout 30 "$FANOUT" lsp < "$tmp/lsp.in" > "$tmp/lsp.out" 2> /dev/null
python3 - "$tmp/lsp.out" "$root" > "$tmp/lsp" << 'EOF'
import json, re, sys
data, root = open(sys.argv[1], "rb").read().decode(), sys.argv[2]
last = {}  # the diagnostics last published for each document
for body in re.split(r"Content-Length: \d+\r\n\r\n", data):
    if not body.strip():
        continue
    msg = json.loads(body)
    if msg.get("method") == "textDocument/publishDiagnostics":
        last[msg["params"]["uri"]] = msg["params"]["diagnostics"]
names = {1: "error", 2: "warning", 3: "info"}
for uri, diags in last.items():
    path = uri[len("file://" + root) + 1:]
    for d in diags:
        print(f"{path}:{d['range']['start']['line'] + 1} {d['code']} {names[d['severity']]}")
EOF
sort -u -o "$tmp/lsp" "$tmp/lsp"

# an editor that starts the server elsewhere: the configuration is the root's
(cd / && timeout 30 "$FANOUT" lsp < "$tmp/lsp.in" > "$tmp/lsp.away.out" 2> /dev/null)
if cmp -s "$tmp/lsp.out" "$tmp/lsp.away.out"; then ok; else
  bad "lsp started outside the project (rootUri given) answers otherwise than in it"; fi

# what the project's # expect: lines say, at the severity check gives
grep -rn --include='*.py' '# expect:' . | sed -E 's|^\./||; s/^([^:]+):([0-9]+):.*# expect: *(.*)$/\1:\2 \3/' |
  awk '{ n = split(substr($0, index($0, " ") + 1), c, /[, ]+/); for (i = 1; i <= n; i++) if (c[i] != "") print $1, c[i] }' |
  sort -u > "$tmp/want"
cut -d' ' -f1,2 "$tmp/check" | sort -u > "$tmp/check.codes"
if diff "$tmp/want" "$tmp/check.codes" > "$tmp/diff"; then ok; else
  bad "check differs from the # expect: lines (< expected, > reported):"; cat "$tmp/diff"; fi

# lsp shows exactly what check shows
if [ -s "$tmp/check" ] && diff "$tmp/check" "$tmp/lsp" > "$tmp/diff"; then ok; else
  bad "lsp differs from check (< check, > lsp):"; cat "$tmp/diff"; fi
# the open documents edited: a line put above everything in each (all the facts move, the
# index and the policy run again) and a comment typed on it (nothing moves: the findings kept
# are published): the last diagnostics are check's, each one line down
{
  frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":"file://'"$root"'","capabilities":{}}}'
  for f in pipeline/fetch.py pipeline/store.py; do
    text=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$f")
    frame '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file://'"$root/$f"'","languageId":"python","version":1,"text":'"$text"'}}}'
  done
  for f in pipeline/fetch.py pipeline/store.py; do
    frame '{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file://'"$root/$f"'","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"text":"\n"}]}}'
    frame '{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file://'"$root/$f"'","version":3},"contentChanges":[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"text":"# moved"}]}}'
  done
  frame '{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
  frame '{"jsonrpc":"2.0","method":"exit"}'
} > "$tmp/edits.in"
FANOUT_VERIFY_REBUILDS=1 timeout 30 "$FANOUT" lsp < "$tmp/edits.in" > "$tmp/edits.out" 2> "$tmp/edits.err"
if grep -q 'differs from a full build' "$tmp/edits.err"; then
  bad "an index rebuilt after an edit differs from a full build:"; cat "$tmp/edits.err"; else ok; fi
python3 - "$tmp/edits.out" "$root" << 'EOF' | sort -u > "$tmp/edited"
import json, re, sys
data, root = open(sys.argv[1], "rb").read().decode(), sys.argv[2]
last = {}
for body in re.split(r"Content-Length: \d+\r\n\r\n", data):
    if body.strip():
        msg = json.loads(body)
        if msg.get("method") == "textDocument/publishDiagnostics":
            last[msg["params"]["uri"]] = msg["params"]["diagnostics"]
names = {1: "error", 2: "warning", 3: "info"}
for uri, diags in last.items():
    for d in diags:  # 0-based: the line it was on before the edit
        print(f"{uri[len('file://' + root) + 1:]}:{d['range']['start']['line']} {d['code']} {names[d['severity']]}")
EOF
grep -E '^pipeline/(fetch|store)\.py:' "$tmp/check" > "$tmp/opened"
if [ -s "$tmp/opened" ] && diff "$tmp/opened" "$tmp/edited" > "$tmp/diff"; then ok; else
  bad "lsp after edits is not check one line down (< check, > lsp):"; cat "$tmp/diff"; fi
# map lists, per orchestrator, the findings check ties to it: all of them here
if diff "$tmp/check" "$tmp/map" > "$tmp/diff"; then ok; else
  bad "map differs from check (< check, > map):"; cat "$tmp/diff"; fi
# trace of the fan-out's log line shows that fan-out's findings
if [ -s "$tmp/trace" ] && diff "$tmp/map" "$tmp/trace" > "$tmp/diff"; then ok; else
  bad "trace differs from map (< map, > trace):"; cat "$tmp/diff"; fi
# report ranks findings from the same run of the policy
if [ -s "$tmp/report" ] && [ -z "$(comm -13 "$tmp/check" "$tmp/report")" ]; then ok; else
  bad "report shows findings check does not:"; comm -13 "$tmp/check" "$tmp/report"; fi
# ignored (FAN201), per-file ignored (legacy.py), noqa'd (store.py:11) and test code: nowhere
for out in check map trace report lsp; do
  if grep -q "FAN201\|legacy.py\|store.py:11 \|tests/" "$tmp/$out"; then
    bad "$out shows what the policy hides:"; cat "$tmp/$out"
  else ok; fi
done

# the command line over the configuration, the same way for each command
"$FANOUT" check --no-cache --ignore FAN3 --include tests . > "$tmp/check2" 2> /dev/null
"$FANOUT" map --ignore FAN3 --include tests . > "$tmp/map2" 2> /dev/null
if grep -q "tests/test_fetch.py:6:.* FAN502" "$tmp/check2" && ! grep -q "FAN301" "$tmp/check2" &&
   ! grep -q "FAN301" "$tmp/map2" && grep -q "FAN101" "$tmp/map2"; then ok; else
  bad "--ignore/--include do not apply alike to check and map"; cat "$tmp/check2" "$tmp/map2"; fi

# severity gates the exit code
"$FANOUT" check --no-cache --fail-on error --select FAN702 . > /dev/null 2>&1; rc1=$?
"$FANOUT" check --no-cache --fail-on error --select FAN1 . > /dev/null 2>&1; rc2=$?
printf '[tool.fanout]\nfail-on = "error"\nselect = ["FAN702"]\n' > "$tmp/fail.toml"
"$FANOUT" check --no-cache --config "$tmp/fail.toml" . > /dev/null 2>&1; rc3=$?
# FAN702 here is an error (the fan-out it names is data-sized): selected alone it fails the run
if [ $rc1 = 1 ] && [ $rc2 = 1 ] && [ $rc3 = 1 ]; then ok; else bad "--fail-on error: exits $rc1 $rc2 $rc3, want 1 1 1"; fi
printf 'import time\n\n\nasync def handle(request):\n    time.sleep(0.1)\n' > "$tmp/once.py"
"$FANOUT" check --no-cache --fail-on error "$tmp/once.py" > "$tmp/once.out" 2>&1; rc=$?
if [ $rc = 0 ] && grep -q "FAN502 \[warning\]" "$tmp/once.out"; then ok; else
  bad "a warning fails a run gated on errors (exit $rc)"; cat "$tmp/once.out"; fi
"$FANOUT" check --no-cache --fail-on fatal . > "$tmp/e" 2>&1; rc=$?
[ $rc = 2 ] && grep -q "wants error, warning or info" "$tmp/e" && ok || { bad "--fail-on fatal: exit $rc"; cat "$tmp/e"; }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
