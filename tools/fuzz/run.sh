#!/bin/sh
# make fuzz: run each libFuzzer harness for SECONDS on seeds from corpus/.
# A crash stops the run (exit 1) and leaves the input as build-fuzz/crash-*.
set -u
BUILD=$1 SECONDS_EACH=$2
shift 2
seeds=$BUILD/seeds
rm -rf "$seeds"
mkdir -p "$seeds/facts" "$seeds/template" "$seeds/logline" "$seeds/config"
find corpus -name '*.py' -size -16k | head -400 | while read -r f; do
  cp "$f" "$seeds/facts/$(printf '%s' "$f" | tr '/' '_')"
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
rc=0
for t in "$@"; do
  mkdir -p "$BUILD/found/$t"
  echo "fuzz_$t: ${SECONDS_EACH} s"
  if ! "$BUILD/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$BUILD/crash-$t-" -print_final_stats=0 \
      "$BUILD/found/$t" "$seeds/$t" > "$BUILD/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t FAILED:"; tail -30 "$BUILD/fuzz_$t.log"; rc=1
  else
    grep -E '^#[0-9]+.*DONE' "$BUILD/fuzz_$t.log" | tail -1
  fi
done
exit $rc
