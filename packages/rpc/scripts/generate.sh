#!/bin/sh
# Regenerates the TypeScript types of protos/*.proto into the directory given as $1
# (default: src/generated). The flags below MUST equal PROTO_LOADER_OPTIONS in
# src/proto-loader-options.ts (a test compares them): keepCase, longs=Number, enums=String,
# defaults, oneofs; bytes stay Buffer.
set -eu
cd "$(dirname "$0")/.."
out="${1:-src/generated}"
rm -rf "$out"
mkdir -p "$out"
# Run from the package directory with a relative include path so that the "Original file"
# comments in the output do not depend on where the repository is checked out.
node node_modules/@grpc/proto-loader/build/bin/proto-loader-gen-types.js \
  --grpcLib=@grpc/grpc-js \
  --keepCase --longs=Number --enums=String --defaults --oneofs \
  --importFileExtension=.js \
  -I ../../protos -O "$out" \
  common.proto errordetails.proto scheduler.proto dfdaemon.proto manager.proto health.proto status.proto
node scripts/write-barrels.mjs "$out"
