#!/bin/sh
# make fuzz: run each libFuzzer harness for SECONDS on seeds from corpus/.
# A crash stops the run (exit 1) and leaves the input as build-fuzz/crash-*.
set -u
BUILD=$1 SECONDS_EACH=$2
shift 2
seeds=$BUILD/seeds
rm -rf "$seeds"
mkdir -p "$seeds/facts" "$seeds/template" "$seeds/logline" "$seeds/config" "$seeds/lsp" "$seeds/pack"
find corpus -name '*.py' -size -16k | head -400 | while read -r f; do
  cp "$f" "$seeds/facts/$(printf '%s' "$f" | tr '/' '_')"
done
# packs: the facts part of cache entries fanout writes for the projects
rm -rf "$BUILD/seedcache"
"$BUILD/fanout" check --all-files --cache-dir "$BUILD/seedcache" corpus/projects corpus/demo > /dev/null 2>&1
for e in "$BUILD"/seedcache/facts/*; do
  at=$(grep -obUa FANFACT1 "$e" | head -1 | cut -d: -f1)
  [ -n "$at" ] && tail -c +$((at + 1)) "$e" | head -c -8 > "$seeds/pack/$(basename "$e")"
done
i=0
for t in 'Fetched %s in %.2fs' 'batch %(n)d of %(total)d' '{name} done in {secs:.1f}s' \
  'Searching {query!r} [{i}/{n}]' 'plain text' '%-10s|%5.1f%%|%x' '{{literal}} {0}'; do
  printf '%s\nFetched https://x in 0.52s\n' "$t" > "$seeds/template/$i"
  i=$((i + 1))
done
head -200 corpus/demo/run/run.log | split -l 1 - "$seeds/logline/l"
printf '{"time": "2026-11-25T10:00:00Z", "level": "INFO", "message": "x"}' > "$seeds/logline/json"
printf '[tool.fanout]\nselect = ["FAN1", "FAN50"]\nmin-width = 20\n[tool.fanout.per-file-ignores]\n"tests/*" = ["FAN5"]\n' > "$seeds/config/a"
printf '[project]\nname = "x"\n[tool.fanout]\nblocking-calls = ["mylib.fetch"]\nlimiters = ["pool.Limiter"]\n' > "$seeds/config/b"
# TOML's other spellings and deep keys (key parts are walked without recursion)
printf '[ tool . "fanout" ]\nmin-width = 1_000\n[tool.fanout.per-file-ignores]\n"a.py" = ["FAN5"]\n' > "$seeds/config/c"
printf 'tool = { fanout = { select = ["FAN1"], x = { y = { z = 1 } } } }\na.b.c.d.e.f.g.h.i.j = 1\n' > "$seeds/config/d"
frame() { printf 'Content-Length: %d\r\n\r\n%s' "$(printf '%s' "$1" | wc -c)" "$1"; }
uri=file:///nowhere/a.py
doc='import asyncio\n\nasync def f(xs):\n    return await asyncio.gather(*[g(x) for x in xs])\n'
{
  frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
  frame '{"jsonrpc":"2.0","method":"initialized","params":{}}'
  frame '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"'$uri'","languageId":"python","version":1,"text":"'"$doc"'"}}}'
  frame '{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"'$uri'","version":2},"contentChanges":[{"range":{"start":{"line":3,"character":4},"end":{"line":3,"character":10}},"text":"x = "}]}}'
  frame '{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"'$uri'"},"position":{"line":3,"character":20}}}'
  frame '{"jsonrpc":"2.0","id":3,"method":"shutdown"}'
  frame '{"jsonrpc":"2.0","method":"exit"}'
} > "$seeds/lsp/session"
printf 'Content-Length: 50\r\n\r\n{"jsonrpc"' > "$seeds/lsp/cut"
# a document without assignments (its facts have no order arrays at all), analyzed
{
  frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
  frame '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"'$uri'","languageId":"python","version":1,"text":"'"$(printf '%s' "$doc" | sed 's/g(x)/f(x)/')"'"}}}'
  frame '{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"'$uri'"},"position":{"line":3,"character":20}}}'
} > "$seeds/lsp/noassign"
# statements taken from the last extraction: several top-level defs, edits in
# one of them, lines put above them and taken away (each re-extraction is
# checked against a full one: a difference aborts)
many='import asyncio, logging\nis_py2 = False\n\n@dec(1)\nclass C(Base):\n    async def m(self, ys):\n        for y in ys:\n            asyncio.create_task(g(y))\n\nasync def a(xs):\n    lg.info(\"n %s\", 1)\n    return await asyncio.gather(*[f(x) for x in xs])\n\ndef b(x=make()):\n    if is_py2:\n        go()\n'
change() { # VERSION LINE CHAR END_LINE END_CHAR TEXT
  frame '{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"'$uri'","version":'"$1"'},"contentChanges":[{"range":{"start":{"line":'"$2"',"character":'"$3"'},"end":{"line":'"$4"',"character":'"$5"'}},"text":"'"$6"'"}]}}'
}
{
  frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
  frame '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"'$uri'","languageId":"python","version":1,"text":"'"$many"'"}}}'
  change 2 11 0 11 0 '    x = 1\n'
  change 3 0 0 0 0 '\n'
  change 4 1 0 1 0 'lg = logging.getLogger()\n'
  change 5 0 0 2 0 ''
  change 6 4 0 4 0 'def z():\n    pass\n'
} > "$seeds/lsp/reuse"
# each harness runs in an empty directory (the project fuzz_lsp's server loads)
abs=$(cd "$BUILD" && pwd)
rm -rf "$abs/cwd" && mkdir -p "$abs/cwd"
rc=0
for t in "$@"; do
  mkdir -p "$abs/found/$t"
  echo "fuzz_$t: ${SECONDS_EACH} s"
  if ! (cd "$abs/cwd" && "$abs/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$abs/crash-$t-" -print_final_stats=0 \
      "$abs/found/$t" "$abs/seeds/$t") > "$BUILD/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t FAILED:"; tail -30 "$BUILD/fuzz_$t.log"; rc=1
  else
    grep -E '^#[0-9]+.*DONE' "$BUILD/fuzz_$t.log" | tail -1
  fi
done
exit $rc
