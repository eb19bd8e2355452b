#!/usr/bin/env bash
# The real-kernel lab: the single entry point (tests/run-all.sh calls it).
#
# usage: tests/lab/run-lab.sh [--only NAME]... [--engine-lns PATH] [--engine-lac PATH]
#                             [--update-golden] [--keep-logs DIR] [--demo]
#   --only NAME        run only this scenario group (repeatable): xl2tpd, kernel-facts,
#                      static, openl2tp, openl2tpd, openl2tpd-plugin, rppp, pppd-options,
#                      l2tpd, server, and l2tpd-scale, which runs only when named
#   --engine-lns PATH  host binary put in pppd's place on the LNS side
#   --engine-lac PATH  host binary put in pppd's place on the LAC side
#                      (default: the xl2tpd group runs every pair of pppd and
#                      rppp, the other groups the real pppd of the image)
#   --demo             the main job: rppp as the LNS under real xl2tpd against
#                      real pppd as the LAC (CHAP), printing rppp's frame log
#                      and a ping across the link
#   --update-golden    write the captured openl2tp event datagrams to golden/
#   --keep-logs DIR    keep each group's full output and kernel console in DIR
# Environment: RPPP_LAB_CACHE (default ~/.cache/rppp-lab), RPPP_LAB_ENGINE_LNS,
# RPPP_LAB_ENGINE_LAC (same as the options), STATIC_COUNTS (the static
# group's session counts, default "1 10 100"), RPPP_PARTS,
# RPPP_SCALE_COUNTS, RPPP_SCALE_SAMPLE, RPPP_SCALE_STACKS and RPPP_CYCLES (the rppp group's parts, scale counts
# and connect/disconnect cycles; see scenarios/rppp.sh), XL2TPD_MODES and
# XL2TPD_PAIRS (the xl2tpd group's authentication modes and LNS:LAC engine
# pairs; see scenarios/xl2tpd.sh), OPENL2TPD_MODES and OPENL2TPD_PAIRS (the
# same for the openl2tpd group), L2TPD_ROLES, L2TPD_MODES, L2TPD_DUMP (the l2tpd
# group's runs; see scenarios/l2tpd.sh), L2TPD_SCALE_PARTS, L2TPD_SCALE_ONE,
# L2TPD_SCALE_TUNNELS, L2TPD_SCALE_CALLS, L2TPD_SCALE_XL2TPD (the l2tpd-scale
# group's parts and sizes; see scenarios/l2tpd-scale.sh), SERVER_SESSIONS (the
# server group's session count, default 1000), RADIUS_PARTS and RADIUS_METHODS
# (the radius group's parts and methods; see scenarios/radius.sh),
# ROUTER_ENGINES, ROUTER_ROUNDS and ROUTER_RSS_MAX_KIB (the router group's
# builds, rounds and memory ceiling; see scenarios/router.sh), RPPP_LAB_TIMEOUT
# (seconds: replaces the timeout of every group that runs, for long runs such
# as RPPP_CYCLES="100 100"), RPPP_LAB_MEM (MB: the same for guest memory), RPPP_LAB_SMP (the same
# for the guest's CPUs).
#
# Builds (or refreshes) the image, builds the lab's Rust tools, then boots one
# VM per scenario group. Exits 0 only when every group passed.
set -euo pipefail
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$LAB_DIR/../.." && pwd)
# The comment block above, without its '#'s.
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
ONLY=(); UPDATE_GOLDEN=0; KEEP=""; DEMO=0
ENGINE_LNS=${RPPP_LAB_ENGINE_LNS:-}; ENGINE_LAC=${RPPP_LAB_ENGINE_LAC:-}
while [ $# -gt 0 ]; do
    case "$1" in
        --only)
            # A misspelt group would run nothing and pass.
            if [ ! -f "$LAB_DIR/scenarios/${2:-}.sh" ]; then
                echo "run-lab: --only ${2:-}: no such scenario group (tests/lab/scenarios/NAME.sh)" >&2
                exit 2
            fi
            ONLY+=("$2"); shift 2;;
        --engine-lns) ENGINE_LNS=$2; shift 2;;
        --engine-lac) ENGINE_LAC=$2; shift 2;;
        --update-golden) UPDATE_GOLDEN=1; shift;;
        --keep-logs) KEEP=$2; shift 2;;
        --demo) DEMO=1; ONLY=(xl2tpd); shift;;
        -h|--help) usage; exit 0;;
        *) echo "run-lab: unknown option $1" >&2; usage >&2; exit 2;;
    esac
done

T_START=$(date +%s.%N)
stamp() { awk -v a="$T_START" -v b="$(date +%s.%N)" 'BEGIN { printf "%6.1fs", b - a }'; }
say() { printf '\n=== lab [%s] %s\n' "$(stamp)" "$*"; }

say "image"
bash "$LAB_DIR/build-image.sh"

say "lab tools (cargo build -p rppp-lab)"
TOOLS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rppp-lab-tools.XXXXXX")
trap 'rm -rf "$TOOLS_DIR"' EXIT
TOOL_BINS=()
if [ -f "$LAB_DIR/tools/Cargo.toml" ]; then
    ( cd "$REPO" && cargo build -p rppp-lab --bins )
    TARGET=${CARGO_TARGET_DIR:-$REPO/target}
    for t in $(sed -n 's/^name = "\(.*\)"$/\1/p' "$LAB_DIR/tools/Cargo.toml" | grep -v '^rppp-lab$'); do
        strip -o "$TOOLS_DIR/$t" "$TARGET/debug/$t"
        TOOL_BINS+=(--bin "$TOOLS_DIR/$t")
    done
fi

ENGINE_OPTS=()
if [ -n "$ENGINE_LNS" ]; then
    cp "$ENGINE_LNS" "$TOOLS_DIR/engine-lns"
    ENGINE_OPTS+=(--bin "$TOOLS_DIR/engine-lns" --env LAB_ENGINE_LNS=/lab/bin/engine-lns)
fi
if [ -n "$ENGINE_LAC" ]; then
    cp "$ENGINE_LAC" "$TOOLS_DIR/engine-lac"
    ENGINE_OPTS+=(--bin "$TOOLS_DIR/engine-lac" --env LAB_ENGINE_LAC=/lab/bin/engine-lac)
fi
# Each group says which engine runs where; only a replacement is said here.
if [ -n "$ENGINE_LNS$ENGINE_LAC" ]; then
    echo "engines in pppd's place: lns=${ENGINE_LNS:-the group's own} lac=${ENGINE_LAC:-the group's own}"
fi

# Scenario groups: name, timeout (s), vCPUs, memory (MB), extra run-vm options.
# kernel-facts needs two CPUs: the EBUSY check needs two threads really
# running at once.
SCENARIO_GROUPS=(
    "xl2tpd       600 1 512"
    "kernel-facts 180 2 512"
    "static       600 1 1024"
    "openl2tp     180 1 512"
    "openl2tpd    600 1 768"
    "openl2tpd-plugin 900 1 1024"
    "rppp         1500 2 1536"
    "pppd-options 300 1 512"
    "l2tpd        600 1 768"
    "router       300 1 512"
    "server       900 1 1536"
    "radius       300 1 768"
    "l2tpd-scale  1800 1 1536"
)
# Groups run only when named with --only (long, run by hand).
BY_HAND=" l2tpd-scale "
selected() {
    [ ${#ONLY[@]} = 0 ] && [ "${BY_HAND#* $1 }" = "$BY_HAND" ] && return 0
    for o in "${ONLY[@]}"; do [ "$o" = "$1" ] && return 0; done
    return 1
}

# rppp itself, for the groups that run it (release: its memory and speed
# are figures).
RPPP_BIN=()
if selected rppp || selected xl2tpd || selected openl2tp || selected openl2tpd || selected openl2tpd-plugin \
    || selected pppd-options || selected l2tpd || selected l2tpd-scale || selected server \
    || selected radius || selected router; then
    say "rppp (cargo build --release --bin rppp: minutes the first time, with LTO)"
    ( cd "$REPO" && cargo build --release --bin rppp )
    strip -o "$TOOLS_DIR/rppp" "${CARGO_TARGET_DIR:-$REPO/target}/release/rppp"
    RPPP_BIN=(--bin "$TOOLS_DIR/rppp")
fi

# The router build (static, stripped) for the router group, which runs
# it beside the release build above.
if selected router; then
    bash "$REPO/tests/router-size.sh" --out "$TOOLS_DIR/rppp-router"
    RPPP_BIN+=(--bin "$TOOLS_DIR/rppp-router")
fi

# rppp's openl2tpd plugin (its own crate, built against the lab's
# openl2tpd source tree) for the openl2tpd-plugin group, which runs the
# openl2tpd group's scenario with it, and the radius group's part C.
PLUGIN_OPTS=()
if selected openl2tpd-plugin || selected radius; then
    say "the openl2tpd plugin (OpenL2TP 1.8 from source, then cargo build --release)"
    bash "$LAB_DIR/build-openl2tp.sh"
    plugin_target=${CARGO_TARGET_DIR:-$REPO/target}/plugin
    ( cd "$REPO/src/openl2tp-plugin" &&
      OPENL2TP_SRC="${RPPP_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rppp-lab}/openl2tp/src" \
      CARGO_TARGET_DIR=$plugin_target cargo build --release )
    strip -o "$TOOLS_DIR/rppp-openl2tp.so" "$plugin_target/release/librppp_openl2tp.so"
    PLUGIN_OPTS=(--bin "$TOOLS_DIR/rppp-openl2tp.so" --file "$LAB_DIR/scenarios/openl2tpd.sh")
fi

RESULTS=(); FAILED=0
for g in "${SCENARIO_GROUPS[@]}"; do
    read -r name timeout smp mem <<<"$g"
    selected "$name" || continue
    timeout=${RPPP_LAB_TIMEOUT:-$timeout}
    mem=${RPPP_LAB_MEM:-$mem}
    smp=${RPPP_LAB_SMP:-$smp}
    say "scenario group $name"
    opts=(--timeout "$timeout" --smp "$smp" --mem "$mem" "${TOOL_BINS[@]}"
          ${RPPP_BIN[@]+"${RPPP_BIN[@]}"}
          ${RPPP_SCALE_COUNTS:+--env "RPPP_SCALE_COUNTS=$RPPP_SCALE_COUNTS"}
          ${RPPP_PARTS:+--env "RPPP_PARTS=$RPPP_PARTS"}
          ${RPPP_CYCLES:+--env "RPPP_CYCLES=$RPPP_CYCLES"}
          ${RPPP_SCALE_SAMPLE:+--env "RPPP_SCALE_SAMPLE=$RPPP_SCALE_SAMPLE"}
          ${RPPP_SCALE_STACKS:+--env "RPPP_SCALE_STACKS=$RPPP_SCALE_STACKS"}
          ${STATIC_COUNTS:+--env "STATIC_COUNTS=$STATIC_COUNTS"}
          ${XL2TPD_MODES:+--env "XL2TPD_MODES=$XL2TPD_MODES"}
          ${XL2TPD_PAIRS:+--env "XL2TPD_PAIRS=$XL2TPD_PAIRS"}
          ${OPENL2TPD_MODES:+--env "OPENL2TPD_MODES=$OPENL2TPD_MODES"}
          ${OPENL2TPD_PAIRS:+--env "OPENL2TPD_PAIRS=$OPENL2TPD_PAIRS"}
          ${OPENL2TPD_PLUGINS:+--env "OPENL2TPD_PLUGINS=$OPENL2TPD_PLUGINS"}
          ${OPENL2TPD_SESSIONS:+--env "OPENL2TPD_SESSIONS=$OPENL2TPD_SESSIONS"}
          ${L2TPD_ROLES:+--env "L2TPD_ROLES=$L2TPD_ROLES"}
          ${L2TPD_MODES:+--env "L2TPD_MODES=$L2TPD_MODES"}
          ${L2TPD_DUMP:+--env "L2TPD_DUMP=$L2TPD_DUMP"}
          ${L2TPD_SCALE_PARTS:+--env "L2TPD_SCALE_PARTS=$L2TPD_SCALE_PARTS"}
          ${L2TPD_SCALE_ONE:+--env "L2TPD_SCALE_ONE=$L2TPD_SCALE_ONE"}
          ${L2TPD_SCALE_TUNNELS:+--env "L2TPD_SCALE_TUNNELS=$L2TPD_SCALE_TUNNELS"}
          ${L2TPD_SCALE_CALLS:+--env "L2TPD_SCALE_CALLS=$L2TPD_SCALE_CALLS"}
          ${L2TPD_SCALE_XL2TPD:+--env "L2TPD_SCALE_XL2TPD=$L2TPD_SCALE_XL2TPD"}
          ${L2TPD_SCALE_LAC_STARTING:+--env "L2TPD_SCALE_LAC_STARTING=$L2TPD_SCALE_LAC_STARTING"}
          ${SERVER_SESSIONS:+--env "SERVER_SESSIONS=$SERVER_SESSIONS"}
          ${RADIUS_PARTS:+--env "RADIUS_PARTS=$RADIUS_PARTS"}
          ${RADIUS_METHODS:+--env "RADIUS_METHODS=$RADIUS_METHODS"}
          ${ROUTER_ENGINES:+--env "ROUTER_ENGINES=$ROUTER_ENGINES"}
          ${ROUTER_ROUNDS:+--env "ROUTER_ROUNDS=$ROUTER_ROUNDS"}
          ${ROUTER_RSS_MAX_KIB:+--env "ROUTER_RSS_MAX_KIB=$ROUTER_RSS_MAX_KIB"}
          --env "XL2TPD_DEMO=$DEMO"
          ${ENGINE_OPTS[@]+"${ENGINE_OPTS[@]}"} --artifacts "$TOOLS_DIR/artifacts-$name")
    [ "$name" = openl2tpd-plugin ] && opts+=("${PLUGIN_OPTS[@]}")
    [ "$name" = radius ] && opts+=("${PLUGIN_OPTS[@]:0:2}")
    [ -n "$KEEP" ] && { mkdir -p "$KEEP"; opts+=(--log "$KEEP/$name.log"); }
    t0=$(date +%s)
    set +e
    bash "$LAB_DIR/run-vm.sh" "${opts[@]}" "$LAB_DIR/scenarios/$name.sh" | tee "$TOOLS_DIR/$name.out"
    rc=$?
    set -e
    # Files a group emits are compared with golden/<group>/ byte for byte.
    # ENGINE--NAME is what another engine (rppp) produced in NAME's place:
    # it is compared with the same golden/<group>/NAME, and every golden
    # file must have come from every engine.
    golden=$LAB_DIR/golden/$name
    got=$TOOLS_DIR/artifacts-$name
    if [ $rc = 0 ] && [ -d "$got" ] && [ -n "$(ls -A "$got")" ]; then
        if [ $UPDATE_GOLDEN = 1 ]; then
            mkdir -p "$golden"
            rm -f "$golden"/*.bin
            for f in "$got"/*; do case "$f" in *--*) ;; *) cp "$f" "$golden"/;; esac; done
            echo "lab: golden/$name updated: $(ls "$golden" | tr '\n' ' ')"
        elif [ ! -d "$golden" ]; then
            echo "lab: no golden/$name to compare with (run with --update-golden)"; rc=1
        else
            engines=$(ls "$got" | sed -n 's/^\(.*\)--.*/\1--/p' | sort -u)
            for b in $( { ls "$golden" | grep '\.bin$'; ls "$got" | sed 's/.*--//'; } | sort -u); do
                for e in "" $engines; do
                    if ! cmp -s "$golden/$b" "$got/$e$b"; then
                        label=${e%--}
                        echo "lab: $name: ${label:-pppd}: $e$b differs from golden/$name/$b"
                        for x in "$golden/$b" "$got/$e$b"; do
                            echo "  $x:"; [ -f "$x" ] && od -An -tx1 -v "$x" | sed 's/^/   /'
                        done
                        rc=1
                    fi
                done
            done
            [ $rc = 0 ] && echo "lab: $name: every file matches golden/$name (engines: pppd ${engines//--/ })"
        fi
    fi
    t=$(( $(date +%s) - t0 ))
    if [ $rc = 0 ]; then RESULTS+=("PASS  $name (${t}s)"); else RESULTS+=("FAIL  $name (exit $rc, ${t}s)"); FAILED=1; fi
done

say "summary"
printf '  %s\n' "${RESULTS[@]}"
shopt -s nullglob
outs=("$TOOLS_DIR"/*.out)
shopt -u nullglob
bash "$LAB_DIR/figures.sh" ${outs[@]+"${outs[@]}"}
[ $FAILED = 0 ] && echo "lab: all scenario groups passed" || echo "lab: FAILED"
exit $FAILED
