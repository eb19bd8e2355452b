#!/usr/bin/env bash
# Boot the lab image under QEMU, run one scenario script inside, print its
# output and exit with its exit code.
#
# usage: run-vm.sh [options] <scenario.sh>
#   --timeout SEC     kill the VM after SEC seconds (default 300); exit 124
#   --smp N           virtual CPUs (default 1)
#   --mem MB          guest memory (default 512)
#   --env K=V         exported to the scenario (repeatable)
#   --bin PATH        copied to the guest's /lab/bin/ (repeatable); a dynamically
#                     linked binary must find all its libraries in the guest
#   --file PATH       copied to the guest's /lab/ (repeatable)
#   --artifacts DIR   where files the scenario emits (LAB_ARTIFACT lines) go
#   --log FILE        also keep the full output and kernel console here
#   --accel tcg|kvm   default: KVM only with a hardware KVM module, else TCG
#
# The scenario's stdout/stderr travel over the guest's second serial port to
# a host file; the kernel console goes to the first. The exit code is the
# scenario's, 124 on timeout, 125 when the guest died without reporting one
# (the kernel console is then printed).
set -euo pipefail
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=${RPPP_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rppp-lab}
IMAGE=$CACHE/image
TIMEOUT=300; SMP=1; MEM=512; ACCEL=auto; ARTIFACTS=""; LOG=""
ENVS=(); BINS=(); FILES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --timeout) TIMEOUT=$2; shift 2;;
        --smp) SMP=$2; shift 2;;
        --mem) MEM=$2; shift 2;;
        --env) ENVS+=("$2"); shift 2;;
        --bin) BINS+=("$2"); shift 2;;
        --file) FILES+=("$2"); shift 2;;
        --artifacts) ARTIFACTS=$2; shift 2;;
        --log) LOG=$2; shift 2;;
        --accel) ACCEL=$2; shift 2;;
        -*) echo "run-vm: unknown option $1" >&2; exit 2;;
        *) break;;
    esac
done
[ $# = 1 ] || { sed -n '2,22p' "$0" >&2; exit 2; }
SCENARIO=$1
[ -f "$IMAGE/base.cpio" ] || { echo "run-vm: no image; run build-image.sh first" >&2; exit 2; }
KERNEL=$IMAGE/vmlinux
[ -f "$KERNEL" ] || KERNEL=$IMAGE/vmlinuz

if [ "$ACCEL" = auto ]; then
    # Only a hardware-backed KVM boots a stock kernel. Some sandboxes expose
    # /dev/kvm through kvm_pvm (software nested virtualisation), on which the
    # Debian kernel hangs early in boot: use TCG there.
    if [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ] &&
       { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
        ACCEL=kvm
    else
        ACCEL=tcg
    fi
fi
case "$ACCEL" in
    kvm) ACCELOPT=(-accel kvm -cpu host);;
    tcg) ACCELOPT=(-accel tcg,thread=multi -cpu max);;
    *) echo "run-vm: --accel must be tcg or kvm" >&2; exit 2;;
esac

W=$(mktemp -d "${TMPDIR:-/tmp}/rppp-lab.XXXXXX")
streamer=""
trap '[ -z "$streamer" ] || kill "$streamer" 2>/dev/null || true; rm -rf "$W"' EXIT
mkdir -p "$W/ov/lab/bin"
install -m755 "$SCENARIO" "$W/ov/lab/scenario.sh"
LDSO=$CACHE/root/lib64/ld-linux-x86-64.so.2
LIBPATH=$(cat "$IMAGE/guest-libs.path")
for b in ${BINS[@]+"${BINS[@]}"}; do
    [ -f "$b" ] || { echo "run-vm: --bin $b: no such file" >&2; exit 2; }
    if out=$("$LDSO" --library-path "$LIBPATH" --list "$b" 2>&1); then
        if grep -q 'not found' <<<"$out"; then
            echo "run-vm: $b needs libraries the guest lacks:" >&2
            grep 'not found' <<<"$out" >&2
            exit 2
        fi
    fi   # a static binary: nothing to check
    install -m755 "$b" "$W/ov/lab/bin/$(basename "$b")"
done
for f in ${FILES[@]+"${FILES[@]}"}; do cp -a "$f" "$W/ov/lab/"; done
: > "$W/ov/lab/env"
for e in ${ENVS[@]+"${ENVS[@]}"}; do
    v=${e#*=}
    printf "%s='%s'\n" "${e%%=*}" "${v//\'/\'\\\'\'}" >> "$W/ov/lab/env"
done
( cd "$W/ov" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet ) > "$W/overlay.cpio"
cat "$IMAGE/base.cpio" "$W/overlay.cpio" > "$W/initrd"
: > "$W/out.raw"; : > "$W/console.log"

# The scenario's output is printed as the guest writes it, not once the VM
# has exited: a group runs for minutes. stream.pl stops after the last
# line once the "done" file exists, and says on stderr what the guest did
# last when it has been quiet for a while.
t0=$(date +%s.%N)
perl "$LAB_DIR/stream.pl" "$W/out.raw" "$W/done" "$(basename "$SCENARIO" .sh)" &
streamer=$!
set +e
timeout --kill-after=5 "$TIMEOUT" qemu-system-x86_64 "${ACCELOPT[@]}" -smp "$SMP" -m "$MEM" \
    -nodefaults -no-user-config -display none -monitor none -no-reboot \
    -kernel "$KERNEL" -initrd "$W/initrd" \
    -append "console=ttyS0 quiet panic=-1 oops=panic" \
    -serial "file:$W/console.log" -serial "file:$W/out.raw"
qrc=$?
set -e
t1=$(date +%s.%N)
: > "$W/done"
wait "$streamer" || true

tr -d '\r' < "$W/out.raw" > "$W/out.txt"
if [ -n "$ARTIFACTS" ]; then
    mkdir -p "$ARTIFACTS"
    { grep '^LAB_ARTIFACT ' "$W/out.txt" || true; } | while read -r _ name hex; do
        case "$name" in */*|.*|"") echo "run-vm: bad artifact name '$name'" >&2; continue;; esac
        printf '%s' "$hex" | perl -ne 'print pack("H*", $_)' > "$ARTIFACTS/$name"
    done
fi
if [ -n "$LOG" ]; then
    { cat "$W/out.txt"; echo "----- kernel console"; cat "$W/console.log"; } > "$LOG"
fi
booted=$(sed -n 's/^LAB_BOOTED uptime=//p' "$W/out.txt")
exitline=$(grep -E '^LAB_EXIT=' "$W/out.txt" | tail -n 1 || true)
printf 'run-vm: %s accel=%s smp=%s wall=%.1fs boot=%ss %s\n' "$(basename "$SCENARIO")" \
    "$ACCEL" "$SMP" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    "${booted:-?}" "${exitline:-no LAB_EXIT}" >&2
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
    echo "run-vm: timed out after ${TIMEOUT}s; kernel console (last 40 lines):" >&2
    tail -n 40 "$W/console.log" | tr -d '\r' >&2
    exit 124
fi
if [ -z "$exitline" ]; then
    echo "run-vm: the guest reported no exit code (qemu rc $qrc); kernel console:" >&2
    tail -n 60 "$W/console.log" | tr -d '\r' >&2
    exit 125
fi
rc=${exitline#LAB_EXIT=}
exit "${rc%% *}"
