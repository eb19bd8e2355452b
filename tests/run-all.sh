#!/usr/bin/env bash
# Every test rppp has, in the order CI runs them: format and lint, unit and
# integration tests of the whole workspace, the fuzz targets replaying their
# checked-in seed corpora, and the real-kernel lab.
#
# usage: bash tests/run-all.sh [--help]
#
# Installs what it needs itself, so it runs on a fresh machine: Debian
# packages with apt-get (prometheus for promtool, freeradius; the lab's
# QEMU and tools), and cargo-fuzz with `cargo install` into ~/.cargo/bin.
# Run it as root, or set RPPP_SKIP_LAB=1.
#
# Environment: RPPP_SKIP_LAB=1 leaves out the lab (and the openl2tpd
# plugin, which builds against the lab's OpenL2TP tree), RPPP_SKIP_FUZZ=1
# the fuzz replay; the lab's own variables are in tests/lab/run-lab.sh
# --help.
set -euo pipefail
# The comment block above, without its '#'s.
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
case "${1:-}" in
    "") ;;
    -h|--help) usage; exit 0;;
    *) echo "run-all: unknown argument $1" >&2; usage >&2; exit 2;;
esac
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

step() { printf '\n=== %s [%s]\n' "$*" "$(date +%T)"; }

step "cargo fmt --check"
cargo fmt --all -- --check
cargo fmt --manifest-path src/openl2tp-plugin/Cargo.toml -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "feature sets: the sans-IO session alone, the Engine without pppd's layer, test doubles"
for features in "" "driver" "rtnetlink" "test-util" "driver,test-util" "pppd" "ctl" "l2tpd" "metrics" "radius" "router"; do
    echo "clippy --no-default-features --features '$features'"
    cargo clippy -q -p rppp --no-default-features --features "$features" --lib --bins -- -D warnings
done

step "cargo doc: every link resolves"
RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps -p rppp -p rppp-lcp -p rppp-ipcp -p rppp-auth -p rppp-l2tp -p rppp-radius

step "test dependencies: promtool (Debian's prometheus) checks the metrics exposition"
if ! command -v promtool >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

step "test dependencies: FreeRADIUS for the RADIUS client's tests"
if ! command -v freeradius >/dev/null && [ ! -x /usr/sbin/freeradius ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends freeradius freeradius-utils >/dev/null
fi

step "cargo test"
# tests/metrics.rs fails, rather than skips, without promtool;
# tests/radius_freeradius.rs without FreeRADIUS.
export RPPP_REQUIRE_FREERADIUS=1
RPPP_REQUIRE_PROMTOOL=1 cargo test --workspace

step "the router build: static, stripped, its size (the lab's router group runs this binary)"
bash tests/router-size.sh

if [ "${RPPP_SKIP_FUZZ:-0}" != 1 ]; then
    step "fuzz targets: build and replay seed corpora"
    bash fuzz/replay-seeds.sh
fi

if [ "${RPPP_SKIP_LAB:-0}" != 1 ] && [ -x tests/lab/run-lab.sh ]; then
    # The openl2tpd plugin builds against the lab's OpenL2TP tree.
    step "openl2tpd plugin: clippy and tests"
    bash tests/lab/build-openl2tp.sh
    export OPENL2TP_SRC=${RPPP_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rppp-lab}/openl2tp/src
    plugin_target=${CARGO_TARGET_DIR:-$PWD/target}/plugin
    ( cd src/openl2tp-plugin &&
      CARGO_TARGET_DIR=$plugin_target cargo clippy --all-targets -- -D warnings &&
      CARGO_TARGET_DIR=$plugin_target cargo test )

    step "real-kernel lab"
    bash tests/lab/run-lab.sh
fi
step "all tests passed"
