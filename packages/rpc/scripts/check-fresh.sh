#!/bin/sh
# Fails when src/generated differs from what protos/*.proto generate (CI runs this).
set -eu
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
sh scripts/generate.sh "$tmp/generated" >/dev/null
if ! diff -r "$tmp/generated" src/generated; then
  echo "packages/rpc/src/generated is stale: run 'pnpm generate' and commit the result" >&2
  exit 1
fi
echo "generated types are fresh"
