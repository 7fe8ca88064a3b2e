#!/bin/sh
# Validate fanout's SARIF output with Microsoft's SARIF multitool (npm
# @microsoft/sarif-multitool, installed here on first use): every SARIF this
# test produces must validate without an error-level result.
# Prints "N passed, N failed".
set -u
FANOUT=${1:-build/fanout}
case $FANOUT in /*) ;; *) FANOUT=$(pwd)/$FANOUT ;; esac
BUILD=${BUILD:-$(dirname "$FANOUT")}
VERSION=5.7.0
tool="$BUILD/npm/node_modules/.bin/sarif-multitool"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
if [ ! -x "$tool" ]; then
  echo "installing @microsoft/sarif-multitool@$VERSION into $BUILD/npm"
  mkdir -p "$BUILD/npm"
  npm install --silent --no-audit --no-fund --prefix "$BUILD/npm" "@microsoft/sarif-multitool@$VERSION" \
    > "$BUILD/npm/install.log" 2>&1 || { cat "$BUILD/npm/install.log"; }
fi
if [ ! -x "$tool" ]; then
  echo "FAIL: could not install the SARIF validator"
  echo "0 passed, 1 failed"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for target in corpus/demo corpus/projects/research_agent corpus/projects/crawler corpus/rules/FAN601 corpus/rules/FAN900; do
  n=$((n + 1))
  "$FANOUT" check --format sarif --select FAN "$target" > "$tmp/$n.sarif" 2> /dev/null
  if ! "$tool" validate "$tmp/$n.sarif" -o "$tmp/$n.out.sarif" > "$tmp/$n.log" 2>&1; then
    bad "sarif-multitool failed on the SARIF of $target"; cat "$tmp/$n.log"; continue
  fi
  errors=$(node -e '
    const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const bad = (log.runs || []).flatMap(r => r.results || []).filter(r => (r.level || "warning") === "error");
    for (const r of bad) console.log(r.ruleId, JSON.stringify(r.message));
    ' "$tmp/$n.out.sarif")
  if [ -n "$errors" ]; then bad "SARIF of $target has validation errors:"; echo "$errors"; else ok; fi
  # one rule per catalog code, results present
  rules=$(node -e 'const l=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(l.runs[0].tool.driver.rules.length)' "$tmp/$n.sarif")
  want=$("$FANOUT" rules | wc -l)
  if [ "$rules" = "$want" ]; then ok; else bad "SARIF of $target has $rules rules, the catalog $want"; fi
done

# partialFingerprints survive an unrelated edit (lines inserted above)
mkdir -p "$tmp/fp"
cp corpus/rules/FAN101/pos_tqdm_gather.py "$tmp/fp/a.py"
(cd "$tmp/fp" && "$FANOUT" check --format sarif a.py > ../fp1.sarif 2>/dev/null)
{ printf '"""A docstring added later."""\n\n\n'; cat corpus/rules/FAN101/pos_tqdm_gather.py; } > "$tmp/fp/a.py"
(cd "$tmp/fp" && "$FANOUT" check --format sarif a.py > ../fp2.sarif 2>/dev/null)
fp() { node -e 'const l=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(l.runs[0].results.map(r=>r.ruleId+" "+r.partialFingerprints.primaryLocationLineHash+" "+r.locations[0].physicalLocation.region.startLine).join("\n"))' "$1"; }
fp "$tmp/fp1.sarif" > "$tmp/fp1"
fp "$tmp/fp2.sarif" > "$tmp/fp2"
if [ -s "$tmp/fp1" ] && [ "$(cut -d' ' -f1,2 "$tmp/fp1")" = "$(cut -d' ' -f1,2 "$tmp/fp2")" ] &&
   [ "$(cut -d' ' -f3 "$tmp/fp1")" != "$(cut -d' ' -f3 "$tmp/fp2")" ]; then ok
else bad "fingerprints changed after an unrelated edit"; cat "$tmp/fp1" "$tmp/fp2"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
