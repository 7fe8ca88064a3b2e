#!/bin/sh
# The pre-commit hook, driven by the real pre-commit: a throw-away repository
# with a bad and a good module; the commit is blocked with the finding printed,
# then allowed after the fix. Prints "N passed, N failed".
set -u
FANOUT=${1:-build/fanout}
case $FANOUT in /*) ;; *) FANOUT=$(pwd)/$FANOUT ;; esac
top=$(pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
if ! command -v pre-commit >/dev/null; then
  echo "FAIL: pre-commit is not installed (make deps installs it)"
  echo "0 passed, 1 failed"
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/repo/app"
ln -s "$FANOUT" "$tmp/bin/fanout"
export PATH="$tmp/bin:$PATH" PRE_COMMIT_HOME="$tmp/cache"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com

# The hook repository: this checkout as it is committed (pre-commit clones it).
rev=$(git -C "$top" rev-parse HEAD)
cd "$tmp/repo"
git init -q .
cat > .pre-commit-config.yaml <<CFG
repos:
  - repo: $top
    rev: $rev
    hooks:
      - id: fanout
CFG
: > app/__init__.py
cat > app/client.py <<'PY'
import httpx


class Client:
    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=10)

    async def fetch(self, url: str) -> bytes:
        return (await self.http.get(url)).content
PY
cat > app/crawl.py <<'PY'
import asyncio

from .client import Client


async def crawl(client: Client, urls: list[str]) -> list[bytes]:
    return await asyncio.gather(*[client.fetch(u) for u in urls])
PY
git add -A
git commit -qm "initial" --no-verify
pre-commit install -q > /dev/null 2>&1 || pre-commit install > "$tmp/install.log" 2>&1

# Only crawl.py is staged: the finding needs client.py to resolve.
printf '\n\nasync def noop() -> None:\n    return None\n' >> app/crawl.py
git add app/crawl.py
if git commit -qm "bad" > "$tmp/out" 2>&1; then
  bad "the commit with an unbounded fan-out was not blocked"; cat "$tmp/out"
elif grep -q "app/crawl.py:7:.* FAN101" "$tmp/out"; then
  ok
else
  bad "the blocked commit does not show the FAN101 finding"; cat "$tmp/out"
fi

# The fix: fixed-size batches.
cat > app/crawl.py <<'PY'
import asyncio

from .client import Client


async def crawl(client: Client, urls: list[str]) -> list[bytes]:
    pages: list[bytes] = []
    for i in range(0, len(urls), 8):
        pages += await asyncio.gather(*[client.fetch(u) for u in urls[i:i + 8]])
    return pages
PY
git add app/crawl.py
if git commit -qm "fixed" > "$tmp/out" 2>&1; then ok; else bad "the fixed commit was blocked"; cat "$tmp/out"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
