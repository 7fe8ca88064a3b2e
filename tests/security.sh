#!/bin/sh
# A hostile repository, built here: a planted .fanout_cache (entries and a
# link to a directory outside), FIFOs under source and configuration names, a
# pyproject.toml above the repository's root, run outputs planted as links.
# `check` must give what `--no-cache` gives on the same tree without the
# plants, and nothing outside its own cache directory may change.
set -u
FANOUT=${1:-build/fanout}
case $FANOUT in /*) ;; *) FANOUT=$(pwd)/$FANOUT ;; esac
GOOD=$(pwd)/corpus/rules/FAN101/pos_crawler_gather.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }

# the clean tree, and its findings without a cache
mkdir -p "$tmp/clean/pkg" "$tmp/outside" "$tmp/home"
cp "$GOOD" "$tmp/clean/pkg/crawl.py"
: > "$tmp/clean/pkg/__init__.py"
printf 'keep\n' > "$tmp/outside/keep.txt"
(cd "$tmp/clean" && "$FANOUT" check --no-cache --format json . > "$tmp/want.json" 2> /dev/null)

# the hostile copy
cp -r "$tmp/clean" "$tmp/repo"
mkdir -p "$tmp/repo/.git" "$tmp/repo/.fanout_cache/facts"
printf 'Signature: 8a477f597d28d172789f06886806bc55\n' > "$tmp/repo/.fanout_cache/CACHEDIR.TAG"
for f in a b c; do head -c 4096 /dev/urandom > "$tmp/repo/.fanout_cache/facts/$f"; done
ln -s "$tmp/outside" "$tmp/repo/pkg/.fanout_cache"
mkfifo "$tmp/repo/pkg/pipe.py" "$tmp/repo/pkg/pyproject.toml"
printf '[tool.fanout]\nselect = ["FAN7"]\n' > "$tmp/pyproject.toml" # above the root
snapshot() { (cd "$tmp" && find repo outside pyproject.toml -exec ls -ld {} + 2> /dev/null |
  awk '{print $1, $5, $NF}' | sort; md5sum outside/keep.txt repo/.fanout_cache/facts/*) }
snapshot > "$tmp/before"

for run in cold warm; do
  (cd "$tmp/repo" && HOME="$tmp/home" XDG_CACHE_HOME="$tmp/home/.cache" timeout 60 \
    "$FANOUT" check --format json . > "$tmp/got.json" 2> "$tmp/err")
  rc=$?
  # the FIFO is named (exit 2); the findings are the clean tree's
  python3 - "$tmp/want.json" "$tmp/got.json" << 'EOF' && ok || bad "$run: findings differ from --no-cache on the clean tree (exit $rc): $(cat "$tmp/err")"
import json, sys
def key(path):
    d = json.load(open(path))
    return sorted((f["path"], f["line"], f["code"]) for f in d["findings"])
sys.exit(0 if key(sys.argv[1]) == key(sys.argv[2]) else 1)
EOF
done
snapshot > "$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then ok
else bad "files outside the cache directory changed:"; diff "$tmp/before" "$tmp/after"; fi
if ls "$tmp"/home/.cache/fanout/*/CACHEDIR.TAG > /dev/null 2>&1; then ok
else bad "the cache was not kept in the user's cache directory"; fi

# a cache directory named inside the checked tree is not used: the tree could plant it
(cd "$tmp/repo" && HOME="$tmp/home" timeout 60 "$FANOUT" check --cache-dir .fanout_cache --format json . > "$tmp/got.json" 2> "$tmp/err")
if grep -q ".fanout_cache: warning: cache not used: inside a checked path" "$tmp/err" &&
   python3 -c 'import json,sys; a,b=(sorted((f["path"],f["line"],f["code"]) for f in json.load(open(p))["findings"]) for p in sys.argv[1:]); sys.exit(a!=b)' "$tmp/want.json" "$tmp/got.json"; then ok
else bad "--cache-dir inside the checked tree was used: $(cat "$tmp/err")"; fi
snapshot > "$tmp/after2"
if cmp -s "$tmp/before" "$tmp/after2"; then ok; else bad "the planted cache changed"; fi

# run: outputs planted as links are not written through
mkdir -p "$tmp/repo/fanout-run"
ln -s "$tmp/outside/keep.txt" "$tmp/repo/fanout-run/report.md"
ln -s "$tmp/outside/rss.txt" "$tmp/repo/fanout-run/rss.log"
(cd "$tmp/repo" && HOME="$tmp/home" timeout 60 "$FANOUT" run -q -- sh -c 'echo hi' > /dev/null 2>&1)
if [ "$(cat "$tmp/outside/keep.txt")" = keep ] && [ ! -e "$tmp/outside/rss.txt" ]; then ok
else bad "run wrote through a planted link"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
