#!/usr/bin/env bash
# Runs fuzz targets for a long count of executions each and prints one line
# per target: executions, seconds, final coverage. Not run by CI (the
# figures are for the issue notes); CI replays the seeds (replay-seeds.sh).
#
#   bash fuzz/long-run.sh [RUNS] [TARGET ...]
#
# RUNS defaults to 10,000,000. Corpora grow in $RPPP_FUZZ_CORPUS/<target>
# (default /tmp/rppp-corpus), seeded from fuzz/seeds/<target>. The protocol
# crates forbid `unsafe`, so the long runs build without a sanitizer
# (RPPP_FUZZ_SANITIZER=address to keep ASan); a crash stops the script.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
runs=${1:-10000000}
shift || true
corpus_root=${RPPP_FUZZ_CORPUS:-/tmp/rppp-corpus}
sanitizer=${RPPP_FUZZ_SANITIZER:-none}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
cargo fuzz build --sanitizer "$sanitizer"
for t in "${targets[@]}"; do
    mkdir -p "$corpus_root/$t"
    log=$corpus_root/$t.log
    start=$(date +%s)
    cargo fuzz run --sanitizer "$sanitizer" "$t" "$corpus_root/$t" "seeds/$t" -- \
        -runs="$runs" -print_final_stats=1 >"$log" 2>&1 \
        || { echo "$t: FAILED after $(( $(date +%s) - start )) s, see $log" >&2; tail -n 30 "$log" >&2; exit 1; }
    secs=$(( $(date +%s) - start ))
    done_runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
    echo "$t: $done_runs executions in $secs s, $cov"
done
