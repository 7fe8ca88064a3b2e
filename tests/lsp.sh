#!/bin/sh
# fanout lsp: the JSON-RPC framing and error handling with hand-made frames,
# then the real client: headless neovim's built-in LSP client opens a file,
# receives the diagnostics, edits the buffer and sees them update.
# Prints "N passed, N failed".
set -u
FANOUT=${1:-build/fanout}
case $FANOUT in /*) ;; *) FANOUT=$(pwd)/$FANOUT ;; esac
top=$(pwd)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

frame() { printf 'Content-Length: %d\r\n\r\n%s' "$(printf '%s' "$1" | wc -c)" "$1"; }

# malformed JSON, a frame without Content-Length, an unknown method, then a clean shutdown
{
  frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":null,"capabilities":{}}}'
  frame '{"jsonrpc":"2.0","id":2,"method":'
  printf 'X-Nonsense: 1\r\n\r\n'
  frame '{"jsonrpc":"2.0","id":3,"method":"workspace/frobnicate","params":{}}'
  frame '[1,2,3]'
  frame '{"jsonrpc":"2.0","id":4,"method":"shutdown"}'
  frame '{"jsonrpc":"2.0","method":"exit"}'
} > "$tmp/in"
timeout 20 "$FANOUT" lsp < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc = 0 ] && grep -q '"id":1,"result":{"capabilities"' "$tmp/out" &&
   grep -q '"error":{"code":-32700' "$tmp/out" && grep -q '"id":3,"error":{"code":-32601' "$tmp/out" &&
   grep -q '"error":{"code":-32600' "$tmp/out" && grep -q '"id":4,"result":null' "$tmp/out" &&
   grep -q "without a valid Content-Length" "$tmp/err"; then ok
else bad "framing and errors: exit $rc"; cat "$tmp/out" "$tmp/err"; fi

# three documents opened one after another: each one's diagnostics are sent
# once (unchanged ones are not sent again); a document over the size limit is
# refused before it is parsed
mkdir -p "$tmp/many"
for n in a b c; do printf 'import asyncio\n\n\nasync def f_%s(xs):\n    return await asyncio.gather(*[g(x) for x in xs])\n' "$n" > "$tmp/many/$n.py"; done
{
  frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":"file://'"$tmp/many"'","capabilities":{}}}'
  for n in a b c; do
    text=$(sed 's/\\/\\\\/g; s/"/\\"/g' "$tmp/many/$n.py" | awk '{printf "%s\\n", $0}')
    frame '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file://'"$tmp/many/$n.py"'","languageId":"python","version":1,"text":"'"$text"'"}}}'
  done
  big=$(head -c 17000000 /dev/zero | tr '\0' 'x')
  frame '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file://'"$tmp/many/big.py"'","languageId":"python","version":1,"text":"'"$big"'"}}}'
  frame '{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
  frame '{"jsonrpc":"2.0","method":"exit"}'
} > "$tmp/many.in"
timeout 60 "$FANOUT" lsp < "$tmp/many.in" > "$tmp/many.out" 2> "$tmp/many.err"
rc=$?
sent=$(grep -o '"method":"textDocument/publishDiagnostics"' "$tmp/many.out" | wc -l)
if [ $rc = 0 ] && [ "$sent" = 3 ] && grep -q "big.py: too large" "$tmp/many.err"; then ok
else bad "three documents opened: $sent publishes (want 3), exit $rc"; head -c 600 "$tmp/many.err"; fi

# hover on a finding's line shows the rule's documentation
mkdir -p "$tmp/h"
src='import asyncio\nimport httpx\n\n\nasync def fetch_all(client: httpx.AsyncClient, urls):\n    return await asyncio.gather(*[client.get(u) for u in urls])\n'
printf "$src" > "$tmp/h/m.py"
{
  frame '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":"file://'"$tmp"'/h","capabilities":{}}}'
  frame '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file://'"$tmp"'/h/m.py","languageId":"python","version":1,"text":"'"$src"'"}}}'
  frame '{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file://'"$tmp"'/h/m.py"},"position":{"line":5,"character":30}}}'
  frame '{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file://'"$tmp"'/h/m.py"},"position":{"line":0,"character":1}}}'
  frame '{"jsonrpc":"2.0","id":4,"method":"shutdown"}'
  frame '{"jsonrpc":"2.0","method":"exit"}'
} > "$tmp/in"
timeout 20 "$FANOUT" lsp < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
if grep -q '"code":"FAN101","codeDescription":{"href":"[^"]*FAN101.md"}' "$tmp/out" &&
   grep -q '"id":2,"result":{"contents":{"kind":"markdown","value":"\*\*FAN101\*\*.*What it does' "$tmp/out" &&
   grep -q '"id":3,"result":null' "$tmp/out"; then ok
else bad "publishDiagnostics / hover"; cat "$tmp/out" "$tmp/err"; fi

# exit without shutdown is status 1; end of input is status 1, no hang
frame '{"jsonrpc":"2.0","method":"exit"}' > "$tmp/in"
timeout 20 "$FANOUT" lsp < "$tmp/in" > /dev/null 2>&1
rc1=$?
printf 'Content-Length: 50\r\n\r\n{"jsonrpc"' | timeout 20 "$FANOUT" lsp > /dev/null 2>&1
rc2=$?
if [ $rc1 = 1 ] && [ $rc2 = 1 ]; then ok; else bad "exit without shutdown: $rc1, truncated input: $rc2 (want 1, 1)"; fi

# a request without an id (found by fuzz_lsp) is a notification: no response, no crash
{ frame '{"jsonrpc":"2.0","method":"initialize","params":{"capabilities":{}}}'
  frame '{"jsonrpc":"2.0","method":"exit"}'; } > "$tmp/in"
timeout 20 "$FANOUT" lsp < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ $rc -le 1 ] && ! grep -q '"result"' "$tmp/out"; then ok
else bad "initialize without an id: exit $rc"; cat "$tmp/out" "$tmp/err"; fi

# the real client
if ! command -v nvim > /dev/null; then
  bad "neovim is not installed (make deps installs it)"
else
  cp -r corpus/demo "$tmp/demo"
  (cd "$tmp/demo" && timeout 90 nvim --headless -u NONE -i NONE -n \
    -c "lua arg = {'$FANOUT', '$tmp/demo/pipeline/search.py', '$tmp/nvim.txt'}" \
    -c "luafile $top/tests/lsp/neovim.lua" > "$tmp/nvim.log" 2>&1)
  if grep -qx "initial true 30:33 FAN101,30:33 FAN301" "$tmp/nvim.txt" 2>/dev/null &&
     grep -qx "edited true " "$tmp/nvim.txt"; then ok
  else bad "neovim did not receive and update the diagnostics"; cat "$tmp/nvim.txt" "$tmp/nvim.log" 2>/dev/null; fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
