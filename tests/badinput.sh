#!/bin/sh
# Bad input: files a real repository may hold, created here at test time.
# Each case: no crash, no hang (a time limit), a one-line diagnostic naming
# the file when it cannot be analyzed, the good file next to it still
# analyzed, and the exit code the README documents (0 clean, 1 findings,
# 2 something could not be analyzed).
set -u
FANOUT=${1:-build/fanout}
case $FANOUT in /*) ;; *) FANOUT=$(pwd)/$FANOUT ;; esac
GOOD=$(pwd)/corpus/rules/FAN101/pos_crawler_gather.py
LIMIT=${BADINPUT_LIMIT:-120}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
RUNAS="" # a command prefix: who runs fanout
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

# case NAME WANT_EXIT DIAG_PATTERN [CHECK OPTIONS]: `fanout check` on the
# directory $tmp/NAME (good.py plus whatever the case put there), with and
# without --all-files. DIAG_PATTERN ("" for none) must be on stderr, alone
# there; good.py's FAN101 must be reported.
case_() {
  name=$1 want=$2 diag=$3
  shift 3
  for mode in lazy all; do
    extra=""
    [ $mode = all ] && extra=--all-files
    # shellcheck disable=SC2086
    (cd "$tmp/$name" && timeout "$LIMIT" $RUNAS "$FANOUT" check $extra "$@" . > "$tmp/out" 2> "$tmp/err")
    got=$?
    grep -v ' checked)$' "$tmp/err" > "$tmp/diags" # the summary line is not a diagnostic
    why=""
    [ "$got" = "$want" ] || why="exit $got, expected $want"
    grep -q "good.py:26:31: FAN101" "$tmp/out" || why="$why; good.py not analyzed"
    if [ -n "$diag" ]; then
      grep -q -- "$diag" "$tmp/diags" || why="$why; no diagnostic '$diag'"
      [ "$(grep -c . "$tmp/diags")" = 1 ] || why="$why; more than one diagnostic"
    else
      [ -s "$tmp/diags" ] && why="$why; unexpected diagnostics"
    fi
    if [ -z "$why" ]; then ok; else
      bad "$name ($mode): $why"
      head -5 "$tmp/diags"
    fi
  done
}
mk() { mkdir -p "$tmp/$1" && cp "$GOOD" "$tmp/$1/good.py"; }

mk empty && : > "$tmp/empty/empty.py"
case_ empty 1 ""

mk nul && printf 'x = 1\0\0\0y = 2\n' > "$tmp/nul/nul.py"
case_ nul 2 "nul.py:1: error: binary file"

mk elf && cp /bin/true "$tmp/elf/tool.py"
case_ elf 2 "tool.py:1: error: binary file"

mk utf8 && printf 'name = "caf\351"\n' > "$tmp/utf8/latin1.py"
case_ utf8 2 "latin1.py:1: error: not valid UTF-8"

# BOM, CRLF and lone CR: analyzed, lines counted as an editor counts them
mk newlines
printf '\357\273\277import asyncio\r\n\r\nasync def f(xs):\r\n    return await asyncio.gather(*[g(x) for x in xs])\r\n' > "$tmp/newlines/crlf.py"
printf 'import asyncio\r\rasync def f(xs):\r    return await asyncio.gather(*[g(x) for x in xs])\r' > "$tmp/newlines/cr.py"
(cd "$tmp/newlines" && timeout "$LIMIT" "$FANOUT" map . > "$tmp/out" 2> "$tmp/err")
if grep -q "crlf.py:f  4  gather  data (from xs)" "$tmp/out" &&
   grep -q "cr.py:f  4  gather  data (from xs)" "$tmp/out" && ! grep -q error "$tmp/err"; then ok
else bad "BOM, CRLF, lone CR"; cat "$tmp/out" "$tmp/err"; fi

# over the size limit: named and skipped
mk huge && python3 -c "
import sys
line = 'value_%08d = [1, 2, 3]\n'
with open(sys.argv[1], 'w') as f:
    for i in range(17 * 1024 * 1024 // len(line % 0) + 1): f.write(line % i)
" "$tmp/huge/generated.py"
case_ huge 2 "generated.py: error: file too large"

# under the limit as Latin-1 bytes, over it once decoded to UTF-8: named and skipped
mk hugedecoded && python3 -c "
import sys
with open(sys.argv[1], 'wb') as f:
    f.write(b'# -*- coding: latin-1 -*-\\n')
    f.write(b'x = 1  # ' + b'\\xe9' * (10 * 1024 * 1024) + b'\\n')
" "$tmp/hugedecoded/latin.py"
case_ hugedecoded 2 "latin.py: error: file too large once decoded from latin-1"

# large but under the limit: analyzed in bounded time (a ratio lives in make bench)
mk large && python3 -c "
import sys
block = '''async def fetch_%d(client, urls):
    results = []
    for u in urls:
        r = await client.get(u)
        results.append(r.json())
    return results

'''
with open(sys.argv[1], 'w') as f:
    for i in range(4 * 1024 * 1024 // len(block)): f.write(block % i)
" "$tmp/large/big.py"
case_ large 1 ""

mk deep && python3 -c "
import sys
open(sys.argv[1], 'w').write('async def f():\n    return ' + '(' * 100000 + '1' + ')' * 100000 + '\n')
" "$tmp/deep/deep.py"
case_ deep 1 "deep.py:2: warning: nesting deeper than"

mk longline && python3 -c "
import sys
open(sys.argv[1], 'w').write('async def f(): return [' + ', '.join(str(i) for i in range(150000)) + ']\n')
" "$tmp/longline/line.py"
case_ longline 1 ""

mk py2 && printf 'print "hello"\nexec "x = 1"\nasync = 1\nraise E, "v"\n' > "$tmp/py2/legacy.py"
case_ py2 1 ""

# an unreadable file (root reads everything: as root, fanout runs as nobody)
mk unreadable && printf 'x = 1\n' > "$tmp/unreadable/secret.py" && chmod 000 "$tmp/unreadable/secret.py"
saved=$FANOUT
if [ "$(id -u)" = 0 ]; then
  chmod 755 "$tmp" "$tmp/unreadable"
  cp "$FANOUT" "$tmp/fanout-as-nobody" && chmod 755 "$tmp/fanout-as-nobody"
  FANOUT=$tmp/fanout-as-nobody
  RUNAS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
fi
case_ unreadable 2 "secret.py: error: cannot read: Permission denied" --no-cache
# a directory that can be listed but not searched: its entries are named as skipped
mk unsearchable && mkdir "$tmp/unsearchable/sub" && printf 'x = 1\n' > "$tmp/unsearchable/sub/m.py" &&
  chmod 644 "$tmp/unsearchable/sub"
case_ unsearchable 2 "sub: error: cannot look into directory: 1 entry skipped" --no-cache
chmod 755 "$tmp/unsearchable/sub"
FANOUT=$saved RUNAS=""

# a symlink loop and a FIFO: skipped without hanging; a dangling link is named
mk links && ln -s . "$tmp/links/loop" && ln -s .. "$tmp/links/up" && mkfifo "$tmp/links/pipe.py"
case_ links 1 ""
mk dangling && ln -s "$tmp/nowhere.py" "$tmp/dangling/gone.py"
case_ dangling 1 "gone.py: warning: broken or looping symlink"

# a path that does not exist: named, exit 2, the other path still checked
mk missing
(cd "$tmp/missing" && timeout "$LIMIT" "$FANOUT" check no-such-dir . > "$tmp/out" 2> "$tmp/err")
rc=$?
if [ $rc = 2 ] && grep -q "no-such-dir: error: No such file" "$tmp/err" &&
   grep -q "good.py:26:31: FAN101" "$tmp/out"; then ok
else bad "missing path: exit $rc"; cat "$tmp/err"; fi

# 20 000 files
mk many && python3 -c "
import os, sys
for i in range(20000):
    d = os.path.join(sys.argv[1], 'pkg%02d' % (i % 50))
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, 'm%05d.py' % i), 'w').write('X = %d\n' % i)
" "$tmp/many"
case_ many 1 ""
if grep -q "(20001 files checked)" "$tmp/err"; then ok; else bad "20 000 files: $(cat "$tmp/err")"; fi

# a malformed [tool.fanout] table: named with its line, exit 2
mk toml && printf '[project]\nname = "x"\n\n[tool.fanout]\nselect = \n' > "$tmp/toml/pyproject.toml"
(cd "$tmp/toml" && timeout "$LIMIT" "$FANOUT" check . > "$tmp/out" 2> "$tmp/err")
rc=$?
if [ $rc = 2 ] && grep -q "pyproject.toml:5: error: TOML syntax error" "$tmp/err"; then ok
else bad "malformed pyproject.toml: exit $rc"; cat "$tmp/err"; fi

# a log with garbage lines, invalid UTF-8 and a truncated last line
printf 'garbage \001\002 line\n2026-11-25 10:00:00,000 INFO pipeline.search: Starting search phase\n\377\376 more\n%0300000d\n2026-11-25 10:00:01,000 INFO pipeline.search: Finished sea' 0 > "$tmp/garbage.log"
timeout "$LIMIT" "$FANOUT" report --log "$tmp/garbage.log" corpus/demo > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc = 0 ] && grep -q "^# fanout report" "$tmp/out"; then ok
else bad "report on a garbage log: exit $rc"; cat "$tmp/err"; head -3 "$tmp/out"; fi

# ---- a checked tree that tries to hang fanout or steer it (issue: trust nothing) ----
# a FIFO named pyproject.toml, and a FIFO given as the path to check: no hang
mk fifo && mkfifo "$tmp/fifo/pyproject.toml" "$tmp/fifo/pipe.py"
(cd "$tmp/fifo" && timeout 20 "$FANOUT" check . pipe.py > "$tmp/out" 2> "$tmp/err")
rc=$?
if [ $rc = 2 ] && grep -q "good.py:26:31: FAN101" "$tmp/out" && grep -q "pipe.py: error: not a regular file" "$tmp/err"; then ok
else bad "FIFOs in the tree: exit $rc (124 is a hang)"; cat "$tmp/err"; fi
# a pyproject.toml above the repository's root configures nothing; one in it,
# spelled `[ tool.fanout ]`, does
mkdir -p "$tmp/above/repo/.git" && cp "$GOOD" "$tmp/above/repo/good.py"
printf '[tool.fanout]\nselect = ["FAN7"]\n' > "$tmp/above/pyproject.toml"
(cd "$tmp/above/repo" && timeout "$LIMIT" "$FANOUT" check . > "$tmp/out" 2> "$tmp/err")
rc=$?
if [ $rc = 1 ] && grep -q "good.py:26:31: FAN101" "$tmp/out"; then ok
else bad "a parent's pyproject.toml above .git configured the project: exit $rc"; cat "$tmp/err"; fi
rm "$tmp/above/pyproject.toml"
printf '[ tool.fanout ]\nselect = ["FAN7"]\n' > "$tmp/above/repo/pyproject.toml"
(cd "$tmp/above/repo" && timeout "$LIMIT" "$FANOUT" check . > "$tmp/out" 2> "$tmp/err")
rc=$?
if ! grep -q "FAN101" "$tmp/out"; then ok
else bad "[ tool.fanout ] with spaces was not read: exit $rc"; fi
# PEP 263: a file that declares its encoding is read in it (latin-1, koi8-r);
# one that is invalid in its declared encoding is an error naming it
mk coding && python3 -c "
import sys
src = open(sys.argv[1], encoding='utf-8').read()
open(sys.argv[2], 'wb').write(('# -*- coding: latin-1 -*-\n# caf\u00e9\n' + src).encode('latin-1'))
open(sys.argv[3], 'wb').write(b'#!/usr/bin/env python\n# vim: set fileencoding=koi8-r :\nNAME = \'\xf0\xd2\xc9\xd7\xc5\xd4\'\n')
" "$GOOD" "$tmp/coding/latin.py" "$tmp/coding/koi.py"
case_ coding 1 ""
if grep -q "latin.py:28:31: FAN101" "$tmp/out"; then ok; else bad "a latin-1 file's finding is not on its line"; fi
mk badcoding && printf '# coding: ascii\nX = "\351"\n' > "$tmp/badcoding/bad.py"
case_ badcoding 2 "bad.py:1: error: not valid ascii"
# a log that is one 512 MB line of NULs (what copytruncate leaves): read in
# flat memory, its lines cut, not buffered whole
truncate -s 512M "$tmp/hole.log"
/usr/bin/time -f '%M' -o "$tmp/kb" timeout "$LIMIT" "$FANOUT" report --log "$tmp/hole.log" corpus/demo > "$tmp/out" 2> /dev/null
rc=$?
kb=$(tail -n 1 "$tmp/kb")
if [ $rc = 0 ] && [ "$kb" -lt 200000 ]; then ok
else bad "report on a 512 MB line: exit $rc, peak RSS $kb kB"; fi
# a template from code and log lines full of its words: PCRE2 would backtrack
# for every line; past the match limit the template is given up and named once
mkdir -p "$tmp/backtrack"
printf 'import asyncio\nimport logging\nlog = logging.getLogger(__name__)\nasync def f(a, b, c, d, e, g, h):\n    log.info(f"{a} {b} {c} {d} {e} {g} {h} done ok")\n' > "$tmp/backtrack/m.py"
python3 -c "
import sys
line = '2026-12-01 10:00:00,000 INFO m: x done ok ' + ' '.join(['w'] * 60) + '\n'
open(sys.argv[1], 'w').write(line * 500)
" "$tmp/backtrack.log"
timeout "$LIMIT" "$FANOUT" report --log "$tmp/backtrack.log" "$tmp/backtrack" > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc = 0 ] && [ "$(grep -c 'backtrack past the match limit' "$tmp/err")" = 1 ] && grep -q "m.py:5: warning" "$tmp/err"; then ok
else bad "a backtracking template: exit $rc, $(cat "$tmp/err")"; fi
# `run`: a child's line with a NUL in it is logged whole
(cd "$tmp" && timeout "$LIMIT" "$FANOUT" run -q --out "$tmp/nul-run" -- printf 'before\000after' > /dev/null 2>&1)
if grep -q 'after' "$tmp/nul-run/run.log"; then ok
else bad "run dropped the bytes after a NUL: $(od -c "$tmp/nul-run/run.log" | head -3)"; fi
# `run` like a shell: in a terminal's foreground the child gets the terminal
# (a read does not stop it in the background), and it dies with fanout
if command -v script > /dev/null; then
  (cd "$tmp" && echo hello | timeout 20 script -qec "$FANOUT run -q --out $tmp/fg-run -- sh -c 'read x; echo got \$x'" /dev/null > /dev/null 2>&1)
  rc=$?
  if [ $rc = 0 ] && grep -q "got hello" "$tmp/fg-run/run.log"; then ok
  else bad "run under a terminal: the child could not read it (exit $rc; 124 is a hang)"; fi
fi
(cd "$tmp" && exec "$FANOUT" run -q --out "$tmp/kill-run" -- sh -c "echo \$\$ > $tmp/child.pid; exec sleep 60") > /dev/null 2>&1 &
fpid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$tmp/child.pid" ] && break; sleep 0.3; done
kill -KILL "$fpid" 2> /dev/null
wait "$fpid" 2> /dev/null
sleep 0.5
alive() { # running, not a zombie nobody reaped yet
  [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2> /dev/null)" != Z ]
}
if [ -s "$tmp/child.pid" ] && ! alive "$(cat "$tmp/child.pid")"; then ok
else bad "run's child outlived fanout killed by SIGKILL"; kill "$(cat "$tmp/child.pid")" 2> /dev/null; fi
# a file name that is no UTF-8 and holds an escape: JSON and SARIF still parse,
# text shows the bytes escaped
mkdir -p "$tmp/names" && cp "$GOOD" "$tmp/names/$(printf 'bad\377\033[31mname.py')"
json_ok=1
for fmt in json sarif; do
  timeout "$LIMIT" "$FANOUT" check --no-cache --format $fmt "$tmp/names" > "$tmp/out.$fmt" 2> /dev/null
  python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$tmp/out.$fmt" 2> /dev/null || json_ok=0
done
timeout "$LIMIT" "$FANOUT" check --no-cache "$tmp/names" > "$tmp/out" 2> /dev/null
if [ $json_ok = 1 ] && ! grep -q "$(printf '\033')" "$tmp/out" && grep -q 'bad\\xff\\x1b\[31mname.py:26:31: FAN101' "$tmp/out"; then ok
else bad "a file name that is no UTF-8: JSON/SARIF parse $json_ok, text: $(head -c 200 "$tmp/out" | cat -v)"; fi
# `run` with its outputs planted as symbolic links: nothing written through them
mkdir -p "$tmp/plant/fanout-run" && : > "$tmp/outside.txt"
ln -s "$tmp/outside.txt" "$tmp/plant/fanout-run/run.log"
(cd "$tmp/plant" && timeout "$LIMIT" "$FANOUT" run -q -- sh -c 'echo hello' > "$tmp/out" 2> "$tmp/err")
rc=$?
if [ ! -s "$tmp/outside.txt" ] && [ $rc != 0 ]; then ok
else bad "run wrote through a planted run.log link (exit $rc)"; fi
rm -rf "$tmp/plant/fanout-run" && ln -s "$tmp" "$tmp/plant/fanout-run"
(cd "$tmp/plant" && timeout "$LIMIT" "$FANOUT" run -q -- sh -c 'echo hello' > "$tmp/out" 2> "$tmp/err")
rc=$?
if [ ! -e "$tmp/run.log" ] && [ $rc != 0 ]; then ok
else bad "run wrote into a planted fanout-run link (exit $rc)"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
