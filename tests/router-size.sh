#!/usr/bin/env bash
# The router build (issue #19): `rppp` with `--features router` and the
# `router` profile, statically linked (glibc: this toolchain has no musl
# target) and stripped. Prints its size and what it is made of, and fails
# when it is larger than RPPP_ROUTER_MAX_BYTES.
#
# usage: tests/router-size.sh [--out PATH]
#   --out PATH   copy the binary there (the lab's router group uses it)
#
# The issue's target is 1.2 MB (1,258,291 bytes) on x86_64; until the build
# reaches it, the default ceiling only guards against growth (see README,
# "For routers"). One cargo build.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT=$2; shift 2;;
        *) sed -n '2,13p' "$0" >&2; exit 2;;
    esac
done
TARGET_TRIPLE=x86_64-unknown-linux-gnu
TARGET_BYTES=1258291
MAX_BYTES=${RPPP_ROUTER_MAX_BYTES:-3300000}

# The explicit --target keeps build scripts and proc-macros dynamic;
# relocation-model=static makes a static, non-PIE executable (no
# relocations to carry).
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static -C relocation-model=static" \
    cargo build -q --profile router --target $TARGET_TRIPLE \
    --no-default-features --features router --bin rppp
BIN=${CARGO_TARGET_DIR:-$PWD/target}/$TARGET_TRIPLE/router/rppp
size=$(stat -c %s "$BIN")
echo "router build: $BIN"
echo "  $(file -b "$BIN" | cut -d, -f1-5)"
if ldd "$BIN" >/dev/null 2>&1; then
    echo "router build: dynamically linked" >&2
    exit 1
fi
echo "FIGURE router-size bytes=$size target_bytes=$TARGET_BYTES max_bytes=$MAX_BYTES"
[ -n "$OUT" ] && cp "$BIN" "$OUT"
if [ "$size" -gt "$MAX_BYTES" ]; then
    echo "router build: $size bytes, over RPPP_ROUTER_MAX_BYTES=$MAX_BYTES" >&2
    exit 1
fi
if [ "$size" -gt "$TARGET_BYTES" ]; then
    echo "router build: $size bytes; the issue's target ($TARGET_BYTES) is not reached yet"
fi
