#!/bin/sh
# The HTML report, rendered by headless Chromium (Debian's chromium): the page
# loads, the timeline SVG has its phase bars and RSS line, and a PNG is drawn.
# Prints "N passed, N failed".
set -u
FANOUT=${1:-build/fanout}
case $FANOUT in /*) ;; *) FANOUT=$(pwd)/$FANOUT ;; esac
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "FAIL: chromium is not installed (make deps installs it)"
  echo "0 passed, 1 failed"
  exit 1
fi
"$FANOUT" report --format html --log corpus/demo/run/run.log --rss corpus/demo/run/rss.log corpus/demo \
  > "$tmp/report.html" 2> "$tmp/report.err" || { bad "fanout report --format html failed"; cat "$tmp/report.err"; }
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir=$tmp/profile --window-size=1300,1100"
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --enable-logging=stderr --v=0 --dump-dom "file://$tmp/report.html" \
  > "$tmp/dom.html" 2> "$tmp/chromium.log"
bars=$(grep -o '<rect class="phase"' "$tmp/dom.html" | wc -l)
if grep -q '<svg id="timeline"' "$tmp/dom.html" && [ "$bars" -ge 5 ] && grep -q '<polyline id="rss"' "$tmp/dom.html" &&
   grep -q '<h2>Top findings</h2>' "$tmp/dom.html" && ! grep -qi 'uncaught\|console.*error' "$tmp/chromium.log"; then ok
else bad "the page did not load as expected ($bars phase bars)"; tail -5 "$tmp/chromium.log"; fi
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --screenshot="$tmp/report.png" "file://$tmp/report.html" > /dev/null 2>&1
size=$(wc -c < "$tmp/report.png" 2>/dev/null || echo 0)
if [ "$size" -gt 20000 ] && [ "$(head -c 8 "$tmp/report.png" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]; then ok
else bad "no PNG rendered ($size bytes)"; fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
