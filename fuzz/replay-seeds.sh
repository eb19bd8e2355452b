#!/usr/bin/env bash
# Builds every cargo-fuzz target and replays its checked-in seed corpus
# (fuzz/seeds/<target>/) once, so that a target that no longer builds, or a
# seed that now crashes, fails CI. Installs cargo-fuzz when it is missing.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# Each replay's output, shown only when it fails; gone when this ends.
logs=$(mktemp -d "${TMPDIR:-/tmp}/rppp-fuzz-replay.XXXXXX")
trap 'rm -rf "$logs"' EXIT
cargo fuzz build
for t in $(cargo fuzz list); do
    seeds=seeds/$t
    [ -d "$seeds" ] || { echo "fuzz target $t has no seed corpus at fuzz/$seeds" >&2; exit 1; }
    n=$(find "$seeds" -type f | wc -l)
    echo "replaying $n seeds for $t"
    cargo fuzz run "$t" "$seeds" -- -runs=0 >"$logs/$t.log" 2>&1 \
        || { tail -n 40 "$logs/$t.log" >&2; exit 1; }
done
