#!/bin/sh
# Fetch a pinned package from the npm registry, verify its sha512 integrity
# against the pin, and unpack its C sources into OUTDIR: a grammar's generated
# package/src into OUTDIR/src, or the directory a pin's `unpack=` line names
# into OUTDIR/`into=` (the tree-sitter runtime's vendored library).
# usage: grammars/fetch.sh PINFILE OUTDIR
set -eu
pin=$1
out=$2
name=$(sed -n 's/^name=//p' "$pin")
version=$(sed -n 's/^version=//p' "$pin")
want=$(sed -n 's/^integrity=//p' "$pin")
unpack=$(sed -n 's/^unpack=//p' "$pin")
into=$(sed -n 's/^into=//p' "$pin")
[ -n "$name" ] && [ -n "$version" ] && [ -n "$want" ] || {
  echo "fetch.sh: $pin: needs name=, version= and integrity= lines" >&2; exit 1; }
command -v npm >/dev/null || { echo "fetch.sh: npm is needed to fetch $name@$version" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetching $name@$version from the npm registry"
( cd "$tmp" && npm pack --silent "$name@$version" >/dev/null ) || {
  echo "fetch.sh: npm pack $name@$version failed" >&2; exit 1; }
tgz=$(ls "$tmp"/*.tgz)
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | openssl base64 -A)"
if [ "$got" != "$want" ]; then
  echo "fetch.sh: checksum mismatch for $name@$version" >&2
  echo "  pinned in $pin: $want" >&2
  echo "  downloaded:     $got" >&2
  exit 1
fi
mkdir -p "$out"
if [ -n "$unpack" ]; then
  tar -xzf "$tgz" -C "$tmp" --wildcards "$unpack/*"
else
  unpack=package/src into=src
  tar -xzf "$tgz" -C "$tmp" --wildcards "package/src/*.c" "package/src/tree_sitter/*"
fi
rm -rf "${out:?}/${into:?}"
mv "$tmp/$unpack" "$out/$into"
printf '%s@%s %s\n' "$name" "$version" "$got" > "$out/VERIFIED"
echo "verified $name@$version ($got)"
