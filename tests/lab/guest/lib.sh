# Shell helpers shared by the lab scenarios (sourced inside the guest, busybox ash).

# Debian's busybox ash runs its own "ip" applet before searching $PATH: always
# use iproute2's (it has "ip l2tp").
ip() { /sbin/ip "$@"; }

now() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
section() { echo; echo "##### $* [t=$(now)]"; }

# Assertions: each prints one line; FAILED counts the failures of the run.
FAILED=0
pass() { echo "CHECK ok:   $*"; }
fail() { echo "CHECK FAIL: $*"; FAILED=$((FAILED + 1)); }
check() {  # check "description" command...
    local _d=$1; shift
    if "$@"; then pass "$_d"; else fail "$_d"; fi
}

# Wait until a command succeeds: wait_for <tenths of a second> command...
wait_for() {
    local _n=$1; shift
    while [ "$_n" -gt 0 ]; do
        "$@" && return 0
        sleep 0.1; _n=$((_n - 1))
    done
    "$@"
}

# Two network namespaces "lns" and "lac" joined by a veth pair:
# lns 10.200.0.1/24 (veth-lns) <-> lac 10.200.0.2/24 (veth-lac).
LNS_UNDERLAY=10.200.0.1
LAC_UNDERLAY=10.200.0.2
netns_up() {
    netns_down
    ip netns add lns && ip netns add lac || return 1
    ip link add veth-lns type veth peer name veth-lac || return 1
    ip link set veth-lns netns lns && ip link set veth-lac netns lac || return 1
    ip -n lns addr add $LNS_UNDERLAY/24 dev veth-lns
    ip -n lac addr add $LAC_UNDERLAY/24 dev veth-lac
    local ns
    for ns in lns lac; do ip -n $ns link set lo up; ip -n $ns link set veth-$ns up; done
    ip netns exec lac ping -c 1 -W 2 $LNS_UNDERLAY > /dev/null
}
netns_down() {
    ip netns del lns 2>/dev/null
    ip netns del lac 2>/dev/null
    return 0
}

# The PPP interface on each side (xl2tpd, openl2tpd and l2tpd groups).
ppp_if() {  # ppp_if <netns>: "ifname local peer" of the PPP interface with IPv4
    ip -n "$1" -o -4 addr show 2>/dev/null |
        awk '$2 !~ /^(lo|veth)/ { split($6, p, "/"); print $2, $4, p[1]; exit }'
}
both_up() { [ -n "$(ppp_if lns)" ] && [ -n "$(ppp_if lac)" ]; }
no_ppp_left() {
    [ -z "$(ip -n lns -o link show 2>/dev/null | awk -F': ' '$2 !~ /^(lo|veth)/')" ] &&
    [ -z "$(ip -n lac -o link show 2>/dev/null | awk -F': ' '$2 !~ /^(lo|veth)/')" ]
}
no_tunnel_left() {
    [ -z "$(ip netns exec lns /sbin/ip l2tp show tunnel)" ] &&
    [ -z "$(ip netns exec lac /sbin/ip l2tp show tunnel)" ]
}

# The PPP engine on each side. xl2tpd always execs /usr/sbin/pppd, and so does
# the static-session tool: /usr/sbin/pppd is a wrapper that logs the argv and
# the open fds, then execs $LAB_ENGINE_LNS for a command line with
# pppol2tp_lns_mode and $LAB_ENGINE_LAC otherwise (default: the real pppd).
ENGINE_ARGV_LOG=/tmp/engine-argv.log
install_engine_wrapper() {
    [ -e /usr/sbin/pppd.real ] || mv /usr/sbin/pppd /usr/sbin/pppd.real
    cat > /usr/sbin/pppd <<'WRAP'
#!/bin/sh
if [ -f /lab/env ]; then set -a; . /lab/env; set +a; fi
case " $* " in
    *" pppol2tp_lns_mode "*) side=lns; engine=${LAB_ENGINE_LNS:-/usr/sbin/pppd.real};;
    *) side=lac; engine=${LAB_ENGINE_LAC:-/usr/sbin/pppd.real};;
esac
# Open fds, sockets marked (the shell's own script fd and pipes show too).
fds=""
for f in /proc/$$/fd/*; do
    case "$(readlink "$f")" in socket:*) fds="$fds ${f##*/}=socket";; *) fds="$fds ${f##*/}";; esac
done
# One write, so that engines starting together do not interleave their lines.
printf '=== %s pid=%s engine=%s netns=%s\nargv: %s\nfds:%s\n' "$side" $$ "$engine" \
    "$(readlink /proc/$$/ns/net)" "$0 $*" "$fds" >> /tmp/engine-argv.log
exec "$engine" "$@"
WRAP
    chmod 755 /usr/sbin/pppd
    : > $ENGINE_ARGV_LOG
    echo "engines: lns=${LAB_ENGINE_LNS:-/usr/sbin/pppd.real} lac=${LAB_ENGINE_LAC:-/usr/sbin/pppd.real}"
}
ENGINE_NAMES="pppd.real ${LAB_ENGINE_LNS:+$(basename "$LAB_ENGINE_LNS")} ${LAB_ENGINE_LAC:+$(basename "$LAB_ENGINE_LAC")}"
engine_pids() { pidof $ENGINE_NAMES; }

# Print files, for the log of a failed scenario.
dump_files() {
    local f
    for f in "$@"; do
        echo "----- $f"
        if [ -f "$f" ]; then tail -n 150 "$f"; else echo "(missing)"; fi
    done
}
dump_kernel_log() {
    echo "----- kernel messages (last 60)"
    dmesg | tail -n 60
}

# Emit a file to the host as one line of hex; the runner decodes it into
# its artifact directory.
emit_artifact() {  # emit_artifact <name> <file>
    echo "LAB_ARTIFACT $1 $(od -An -v -tx1 "$2" | tr -d ' \n')"
}
