# Scenario: real, unmodified xl2tpd as LAC and as LNS, each exec'ing the PPP
# engine at /usr/sbin/pppd on the kernel's PPPoL2TP data path, for every pair
# of engines (LNS:LAC) pppd:pppd, rppp:pppd, pppd:rppp and rppp:rppp, and
# every authentication mode (noauth, pap, chap, mschapv2).
#
# Every run: both sides get the configured addresses; the LNS negotiated
# exactly the configured authentication and reported success; ping both
# ways; the kernel's tunnel and session on both sides; /etc/ppp/ip-up and
# ip-down ran on both sides with pppd's arguments (ifname tty speed local
# remote ipparam) and environment (IFNAME, IPLOCAL, IPREMOTE, PPPD_PID,
# PEERNAME, CONNECT_TIME, BYTES_SENT, BYTES_RCVD); after the LAC's xl2tpd
# is stopped no engine, PPP interface or kernel tunnel is left; the engines'
# exit codes (as xl2tpd logs them) are printed. Setup time (engine exec to
# ip-up) and VmRSS/PSS of each engine are FIGURE lines.
# What each mode adds:
#   noauth    the tunnel is stopped (SIGTERM to the LAC's xl2tpd) while up
#   pap       pppol2tp_ifname (from the pppoptfile) names both interfaces
#   chap      the LAC dials through xl2tpd's control pipe with a user and
#             password ("c tolns lac s3cret"): xl2tpd passes `plugin
#             passwordfd.so passwordfd N`; the secrets files hold no secret
#             the LAC could use; then SIGTERM to the LNS engine:
#             Terminate-Request (the LAC's log shows it), exit 5
#   mschapv2  SIGTERM to the LAC engine: Terminate-Request, exit 5
# Once: a command line without pppol2tp reaches the real pppd (or a clear
# error when there is none).
#
# Environment: XL2TPD_MODES, XL2TPD_PAIRS ("lns:lac ...", each pppd or
# rppp), XL2TPD_DEMO=1 (one run, rppp LNS against pppd LAC with CHAP,
# printing rppp's frame log and the pings). LAB_ENGINE_LNS / LAB_ENGINE_LAC
# (run-lab.sh --engine-lns/--engine-lac) replace the pairs with that one.
. /lab/lib.sh
RPPP=/lab/bin/rppp
PPPD=/usr/sbin/pppd.real
MODES=${XL2TPD_MODES:-noauth pap chap mschapv2}
LNS_PPP_IP=10.201.0.1
LAC_PPP_IP=10.201.0.2
SCRIPT_LOG=/tmp/scripts.log
FIGURES=/tmp/figures    # one line per engine and run: name setup_s vmrss_kib pss_kib
DEMO=${XL2TPD_DEMO:-0}
if [ -n "${LAB_ENGINE_LNS:-}${LAB_ENGINE_LAC:-}" ]; then
    PAIRS="${LAB_ENGINE_LNS:-$PPPD}:${LAB_ENGINE_LAC:-$PPPD}"
elif [ "$DEMO" = 1 ]; then
    PAIRS=rppp:pppd; MODES=chap
else
    PAIRS=${XL2TPD_PAIRS:-pppd:pppd rppp:pppd pppd:rppp rppp:rppp}
fi
ENGINE_NAMES="pppd.real rppp engine-lns engine-lac"
engine_path() { case $1 in pppd) echo $PPPD;; rppp) echo $RPPP;; *) echo "$1";; esac; }
engine_name() { case $1 in "$PPPD"|pppd) echo pppd;; "$RPPP"|rppp) echo rppp;; *) basename "$1";; esac; }

write_configs() {  # $1 = mode
    lns_extra=""; lac_extra=""; secrets="lac * s3cret *"; autodial=yes
    case $1 in
        noauth) lns_auth="require authentication = no"; lns_ppp="noauth";;
        pap) lns_auth="require authentication = yes
require pap = yes
refuse chap = yes"; lns_ppp=""
            lns_extra="pppol2tp_ifname l2tp-lns"; lac_extra="pppol2tp_ifname l2tp-lac";;
        chap) lns_auth="require authentication = yes
require chap = yes
refuse pap = yes"; lns_ppp=""
            # The LNS finds (lac, lns); the LAC, looking for (lac, elsewhere),
            # finds nothing: only the password xl2tpd passes can answer.
            secrets="lac lns s3cret *"; lac_extra="remotename elsewhere"; autodial=no;;
        mschapv2) lns_auth="require authentication = yes
refuse pap = yes
refuse chap = yes"; lns_ppp="require-mschap-v2";;
    esac
    # Both daemons read the same /etc/ppp.
    printf '# client server secret addresses\n%s\n' "$secrets" > /etc/ppp/pap-secrets
    cp /etc/ppp/pap-secrets /etc/ppp/chap-secrets
    chmod 600 /etc/ppp/pap-secrets /etc/ppp/chap-secrets
    cat > /etc/xl2tpd/lns.conf <<CONF
[global]
listen-addr = $LNS_UNDERLAY
port = 1701
access control = no

[lns default]
ip range = $LAC_PPP_IP-10.201.0.9
local ip = $LNS_PPP_IP
$lns_auth
name = lns
ppp debug = yes
pppoptfile = /etc/ppp/options.lns
length bit = yes
CONF
    cat > /etc/xl2tpd/lac.conf <<CONF
[global]
listen-addr = $LAC_UNDERLAY
port = 1701
access control = no

[lac tolns]
lns = $LNS_UNDERLAY
autodial = $autodial
redial = no
require authentication = no
name = lac
ppp debug = yes
pppoptfile = /etc/ppp/options.lac
length bit = yes
CONF
    cat > /etc/ppp/options.lns <<CONF
$lns_ppp
logfile /tmp/ppp-lns.log
debug
noccp
nodefaultroute
mtu 1400
mru 1400
# Terminate-Requests to a peer that is gone end after 2 s, not 6.
lcp-restart 1
ipparam lns
$lns_extra
CONF
    cat > /etc/ppp/options.lac <<CONF
noauth
logfile /tmp/ppp-lac.log
debug
noccp
noipdefault
ipcp-accept-local
ipcp-accept-remote
nodefaultroute
mtu 1400
mru 1400
lcp-restart 1
ipparam lac
$lac_extra
CONF
}

# ip-up and ip-down log one line per run: the script, the time, the start
# time of the engine (PPPD_PID, in clock ticks since boot), the arguments
# and the environment exactly as the engine passed them (/proc/self/environ:
# pppd clears the environment, so there is no PATH until we set one).
install_scripts() {
    for s in ip-up ip-down; do
        cat > /etc/ppp/$s <<'SCRIPT'
#!/bin/sh
t=$(cut -d' ' -f1 /proc/uptime)
env=$(tr '\0' '\n' < /proc/$$/environ | sort | tr '\n' ' ')
PATH=/usr/sbin:/usr/bin:/sbin:/bin
start=$(cut -d' ' -f22 /proc/${PPPD_PID:-0}/stat 2>/dev/null)
args=""
for a in "$@"; do args="$args[$a]"; done
echo "${0##*/} t=$t start=${start:-?} args=$args env= $env" >> /tmp/scripts.log
SCRIPT
        chmod 755 /etc/ppp/$s
    done
}
script_line() {  # script_line <ip-up|ip-down> <ipparam>
    grep "^$1 .*args=\[[^]]*\]\[[^]]*\]\[[^]]*\]\[[^]]*\]\[[^]]*\]\[$2\]" $SCRIPT_LOG | tail -n 1
}
has_script_line() { [ -n "$(script_line "$1" "$2")" ]; }
script_ok() {  # script_ok <script> <side> <ifname> <local> <remote> <peername or -> <engine>
    l=$(script_line "$1" "$2")
    echo "    $1 ($2): ${l:-(none)}"
    [ -n "$l" ] || return 1
    # One awk for every check (each process costs on an emulated CPU).
    # pppd under PPPoL2TP: no tty name, speed 0. pppd 2.4.9 sets IFNAME
    # before pppol2tp_ifname renames the unit and never updates it (the
    # argument has the new name): for pppd, IFNAME may be the old pppN.
    echo "$l" | awk -v script="$1" -v side="$2" -v ifname="$3" -v local="$4" -v remote="$5" \
        -v peer="$6" -v engine="$7" '
        function bad(why) { print "    " why; failed = 1 }
        {
            if (index($0, "args=[" ifname "][][0][" local "][" remote "][" side "] ") == 0)
                bad("wrong arguments")
            split(substr($0, index($0, " env= ") + 6), kv, " ")
            for (i in kv) { eq = index(kv[i], "="); env[substr(kv[i], 1, eq - 1)] = substr(kv[i], eq + 1) }
            if (env["IFNAME"] != ifname) {
                if (engine == "pppd" && ifname ~ /^l2tp-/ && env["IFNAME"] ~ /^ppp[0-9]+$/)
                    print "    (pppd: IFNAME is the name before the rename, " env["IFNAME"] ")"
                else bad("IFNAME is " env["IFNAME"])
            }
            if (env["IPLOCAL"] != local) bad("IPLOCAL is " env["IPLOCAL"])
            if (env["IPREMOTE"] != remote) bad("IPREMOTE is " env["IPREMOTE"])
            if (env["PPPD_PID"] !~ /^[0-9]+$/) bad("no PPPD_PID")
            if (peer != "-" && env["PEERNAME"] != peer) bad("PEERNAME is not " peer)
            if ("PATH" in env) bad("PATH passed (pppd clears the environment)")
            if (script == "ip-down") {
                if (env["CONNECT_TIME"] !~ /^[0-9]+$/) bad("no CONNECT_TIME")
                # Four pings of 84 octets went each way.
                if (env["BYTES_SENT"] + 0 < 336 || env["BYTES_RCVD"] + 0 < 336)
                    bad("BYTES_SENT/BYTES_RCVD do not count the pings")
            }
        }
        END { exit failed }'
}

no_engine_left() { [ -z "$(engine_pids)" ]; }
lns_listening() { ip netns exec lns cat /proc/net/udp | grep -q ':06A5 '; }
has_l2tp() {  # has_l2tp <netns> tunnel|session
    ip netns exec "$1" /sbin/ip l2tp show "$2" | grep -qi "^$2 "
}
pid_gone() { ! kill -0 "$1" 2>/dev/null; }
engine_pid() {  # engine_pid lns|lac
    for p in $(engine_pids); do
        if tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -q pppol2tp_lns_mode; then s=lns; else s=lac; fi
        [ $s = "$1" ] && { echo "$p"; return; }
    done
}
# The exit code xl2tpd logged for its engine ("pppd exited for call N with
# code C", or "terminated ... by signal S").
exit_of() {  # exit_of lns|lac
    sed -n 's/.*pppd exited for call [0-9]* with code \([0-9]*\).*/\1/p; s/.*pppd terminated for call [0-9]* by signal \([0-9]*\).*/signal \1/p' \
        /tmp/xl2tpd-$1.log | tail -n 1
}
exited() { [ -n "$(exit_of "$1")" ]; }
mem_of() {  # mem_of <pid>: "vmrss_kib pss_kib"
    r=$(awk '/^VmRSS:/ { print $2 }' /proc/$1/status 2>/dev/null)
    p=$(awk '/^Pss:/ { print $2 }' /proc/$1/smaps_rollup 2>/dev/null)
    echo "${r:-?} ${p:-?}"
}
setup_of() {  # setup_of <ipparam>: seconds from the engine's exec to its ip-up
    script_line ip-up "$1" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
        END { if (v["start"] ~ /^[0-9]+$/) printf "%.2f", v["t"] - v["start"] / 100; else print "?" }'
}

stop_all() {
    for p in $LNS_PID $LAC_PID; do kill "$p" 2>/dev/null; done
    wait_for 30 no_engine_left
    for p in $LNS_PID $LAC_PID $(engine_pids); do kill -9 "$p" 2>/dev/null; done
    LNS_PID=; LAC_PID=
}
mark() { echo "    [+$(elapsed "$T_RUN" "$(now)") s] $*"; }

# The authentication protocol the LNS negotiated, from its debug log: what
# the LAC acknowledged in the LCP Configure-Ack the LNS received.
negotiated_auth() {
    grep 'rcvd \[LCP ConfAck' /tmp/ppp-lns.log | grep -o '<auth [^>]*>' | tail -n 1
}
auth_ok() {  # auth_ok <mode>
    a=$(negotiated_auth)
    echo "    negotiated: ${a:-no authentication}"
    case $1 in
        noauth) [ -z "$a" ];;
        pap) [ "$a" = "<auth pap>" ] && grep -q 'sent \[PAP AuthAck' /tmp/ppp-lns.log;;
        chap) [ "$a" = "<auth chap MD5>" ] && grep -q 'sent \[CHAP Success' /tmp/ppp-lns.log;;
        mschapv2) [ "$a" = "<auth chap MS-v2>" ] && grep -q 'sent \[CHAP Success' /tmp/ppp-lns.log;;
    esac
}
ping_both() {  # ping_both <tag>: 4 pings each way
    if [ "$DEMO" = 1 ]; then
        # The demo shows each check's pings, once.
        echo "    --- ping LAC -> LNS (pppd's side to rppp's) over the PPP link:"
        ip netns exec lac ping -c 4 -i 0.2 -W 3 $LNS_PPP_IP > /tmp/ping.out 2>&1
        ping_rc=$?
        sed 's/^/    /' /tmp/ping.out
        check "$1: ping LAC -> LNS over PPP" [ $ping_rc = 0 ]
        echo "    --- ping LNS -> LAC (rppp's side to pppd's):"
        ip netns exec lns ping -c 4 -i 0.2 -W 3 -q $LAC_PPP_IP > /tmp/ping.out 2>&1
        ping_rc=$?
        sed 's/^/    /' /tmp/ping.out
        check "$1: ping LNS -> LAC over PPP" [ $ping_rc = 0 ]
        return
    fi
    check "$1: ping LAC -> LNS over PPP" ip netns exec lac ping -c 4 -i 0.2 -W 3 -q $LNS_PPP_IP
    check "$1: ping LNS -> LAC over PPP" ip netns exec lns ping -c 4 -i 0.2 -W 3 -q $LAC_PPP_IP
}
# SIGTERM to one side's engine: the other side's log shows the
# Terminate-Request, the engine exits with 5.
sigterm_engine() {  # sigterm_engine <tag> lns|lac
    side=$2; [ $side = lns ] && other=lac || other=lns
    p=$(engine_pid $side)
    check "$1: the $side engine runs (pid ${p:-none})" [ -n "$p" ] || return
    kill -TERM "$p"
    check "$1: SIGTERM to the $side engine: the $other engine received a Terminate-Request" \
        wait_for 100 grep -q 'rcvd \[LCP TermReq' /tmp/ppp-$other.log
    wait_for 100 exited $side
    check "$1: the $side engine exited with 5 (xl2tpd logged: $(exit_of $side))" [ "$(exit_of $side)" = 5 ]
}

run_mode() {  # run_mode <lns engine> <lac engine> <mode>
    LAB_ENGINE_LNS=$(engine_path "$1"); LAB_ENGINE_LAC=$(engine_path "$2"); mode=$3
    export LAB_ENGINE_LNS LAB_ENGINE_LAC
    tag="lns=$(engine_name "$1") lac=$(engine_name "$2") $mode"
    failed_before=$FAILED
    section "xl2tpd $tag: setup"
    rm -f /tmp/ppp-*.log /tmp/xl2tpd-*.log /run/xl2tpd/* $SCRIPT_LOG
    : > $ENGINE_ARGV_LOG
    write_configs "$mode"
    # The underlay stays up from run to run.
    ip netns list | grep -q '^lac' || check "underlay veth between netns lns and lac" netns_up || return
    t0=$(now); T_RUN=$t0
    # Not through the ip() function: $! must be xl2tpd's own pid.
    /sbin/ip netns exec lns xl2tpd -D -c /etc/xl2tpd/lns.conf -p /run/xl2tpd/lns.pid \
        -C /run/xl2tpd/lns-control > /tmp/xl2tpd-lns.log 2>&1 &
    LNS_PID=$!
    # Start the LAC once the LNS listens on UDP 1701 (0x06A5).
    wait_for 50 lns_listening
    /sbin/ip netns exec lac xl2tpd -D -c /etc/xl2tpd/lac.conf -p /run/xl2tpd/lac.pid \
        -C /run/xl2tpd/lac-control > /tmp/xl2tpd-lac.log 2>&1 &
    LAC_PID=$!
    if [ "$mode" = chap ]; then
        # Dial with a user and password, as NetworkManager-l2tp does.
        wait_for 50 test -p /run/xl2tpd/lac-control
        echo "c tolns lac s3cret" > /run/xl2tpd/lac-control
    fi
    if wait_for 400 both_up; then
        pass "$tag: PPP up on both sides after $(elapsed "$t0" "$(now)") s"
    else
        fail "$tag: PPP up on both sides within 40 s"
    fi

    mark "up"
    section "xl2tpd $tag: checks"
    set -- $(ppp_if lns); lns_if=${1:-}; lns="${2:-} ${3:-}"
    set -- $(ppp_if lac); lac_if=${1:-}; lac="${2:-} ${3:-}"
    echo "    lns: $lns_if $lns   lac: $lac_if $lac"
    check "$tag: LNS addresses $LNS_PPP_IP peer $LAC_PPP_IP" [ "$lns" = "$LNS_PPP_IP $LAC_PPP_IP" ]
    check "$tag: LAC addresses $LAC_PPP_IP peer $LNS_PPP_IP" [ "$lac" = "$LAC_PPP_IP $LNS_PPP_IP" ]
    if [ "$mode" = pap ]; then
        check "$tag: pppol2tp_ifname named the interfaces l2tp-lns and l2tp-lac" \
            [ "$lns_if $lac_if" = "l2tp-lns l2tp-lac" ]
    fi
    check "$tag: authentication as configured" auth_ok "$mode"
    if [ "$mode" = chap ]; then
        check "$tag: xl2tpd passed the LAC's password through passwordfd" \
            grep -q 'plugin passwordfd.so passwordfd [0-9]' $ENGINE_ARGV_LOG
    fi
    ping_both "$tag"
    for n in lns lac; do
        check "$tag: kernel tunnel and session in $n" sh -c \
            "/sbin/ip netns exec $n /sbin/ip l2tp show tunnel | grep -q '^Tunnel ' &&
             /sbin/ip netns exec $n /sbin/ip l2tp show session | grep -q '^Session '"
    done
    check "$tag: the LNS engine ran in LNS mode" grep -q 'pppol2tp_lns_mode' $ENGINE_ARGV_LOG
    peer=-; [ "$mode" = noauth ] || peer=lac
    wait_for 50 has_script_line ip-up lns; wait_for 50 has_script_line ip-up lac
    check "$tag: LNS ip-up: pppd's arguments and environment" \
        script_ok ip-up lns "$lns_if" $LNS_PPP_IP $LAC_PPP_IP "$peer" "$(engine_name "$LAB_ENGINE_LNS")"
    check "$tag: LAC ip-up: pppd's arguments and environment" \
        script_ok ip-up lac "$lac_if" $LAC_PPP_IP $LNS_PPP_IP - "$(engine_name "$LAB_ENGINE_LAC")"
    mark "checks done"
    lp=$(engine_pid lns); cp=$(engine_pid lac)
    ls=$(setup_of lns); cs=$(setup_of lac); lm=$(mem_of "${lp:-0}"); cm=$(mem_of "${cp:-0}")
    echo "FIGURE xl2tpd $tag: setup_s (exec to ip-up) lns=$ls lac=$cs;" \
        "vmrss_kib/pss_kib lns=$(echo $lm | tr ' ' /) lac=$(echo $cm | tr ' ' /)"
    echo "$(engine_name "$LAB_ENGINE_LNS") $ls $lm" >> $FIGURES
    echo "$(engine_name "$LAB_ENGINE_LAC") $cs $cm" >> $FIGURES

    case $mode in
        chap) section "xl2tpd $tag: SIGTERM to the LNS engine"; sigterm_engine "$tag" lns;;
        mschapv2) section "xl2tpd $tag: SIGTERM to the LAC engine"; sigterm_engine "$tag" lac;;
        *) section "xl2tpd $tag: stop the tunnel (SIGTERM to the LAC's xl2tpd)";;
    esac
    mark "stopping"
    kill "$LAC_PID"
    check "$tag: the LAC's xl2tpd exits" wait_for 100 pid_gone "$LAC_PID"
    mark "LAC xl2tpd gone"
    check "$tag: every engine process is gone" wait_for 100 no_engine_left
    mark "engines gone"
    check "$tag: every PPP interface is gone" wait_for 50 no_ppp_left
    check "$tag: every kernel tunnel is gone" wait_for 50 no_tunnel_left
    mark "interfaces and tunnels gone"
    echo "    exit codes (xl2tpd's log): lns $(exit_of lns)  lac $(exit_of lac)"
    for s in lns lac; do
        # rppp logs its own exit code; pppd logs no code.
        grep -h 'exit code' /tmp/ppp-$s.log 2>/dev/null | tail -n 1 | sed "s/^/    $s engine: /"
    done
    wait_for 50 has_script_line ip-down lns; wait_for 50 has_script_line ip-down lac
    check "$tag: LNS ip-down: pppd's arguments and environment" \
        script_ok ip-down lns "$lns_if" $LNS_PPP_IP $LAC_PPP_IP "$peer" "$(engine_name "$LAB_ENGINE_LNS")"
    check "$tag: LAC ip-down: pppd's arguments and environment" \
        script_ok ip-down lac "$lac_if" $LAC_PPP_IP $LNS_PPP_IP - "$(engine_name "$LAB_ENGINE_LAC")"
    LAC_PID=
    stop_all
    mark "done"
    if [ "$DEMO" = 1 ]; then
        section "xl2tpd demo: rppp's log as the LNS (/tmp/ppp-lns.log)"
        cat /tmp/ppp-lns.log
    fi
    if [ $FAILED != "$failed_before" ]; then
        section "xl2tpd $tag: FAILED, logs follow"
        dump_files $ENGINE_ARGV_LOG $SCRIPT_LOG /tmp/xl2tpd-lns.log /tmp/xl2tpd-lac.log /tmp/ppp-lns.log /tmp/ppp-lac.log
        dump_kernel_log
    fi
}

# A command line without pppol2tp is not rppp's: it execs the real pppd
# (RPPP_REAL_PPPD), or fails clearly when there is none.
not_l2tp() {
    section "xl2tpd: a command line without pppol2tp"
    cat > /tmp/fake-pppd <<'FAKE'
#!/bin/sh
echo "fake pppd argv: $*" > /tmp/fake-pppd.out
exit 7
FAKE
    chmod 755 /tmp/fake-pppd
    RPPP_REAL_PPPD=/tmp/fake-pppd $RPPP /dev/ttyS3 38400 nodetach crtscts > /tmp/not-l2tp.out 2>&1
    rc=$?
    check "rppp execs RPPP_REAL_PPPD with the same arguments (exit $rc)" sh -c \
        "[ $rc = 7 ] && grep -qx 'fake pppd argv: /dev/ttyS3 38400 nodetach crtscts' /tmp/fake-pppd.out"
    RPPP_REAL_PPPD=/nonexistent/pppd $RPPP /dev/ttyS3 38400 nodetach > /tmp/not-l2tp.out 2>&1
    rc=$?
    sed 's/^/    /' /tmp/not-l2tp.out
    check "without a real pppd: a clear error and exit 1 (exit $rc)" sh -c \
        "[ $rc = 1 ] && grep -q 'names no PPPoL2TP socket' /tmp/not-l2tp.out"
    # The default path is the real pppd of the image, which reads its
    # options: an unknown option shows that pppd itself answered.
    $RPPP /dev/ttyS3 38400 no-such-option > /tmp/not-l2tp.out 2>&1
    rc=$?
    sed 's/^/    /' /tmp/not-l2tp.out
    check "by default the real pppd (/usr/sbin/pppd.real) answers (exit $rc)" sh -c \
        "[ $rc = 2 ] && grep -q 'pppd.real: unrecognized option' /tmp/not-l2tp.out"
}

# The pairs below say which engine runs where (the wrapper's own line
# would name its defaults, which each run replaces).
install_engine_wrapper > /dev/null
if [ "$DEMO" = 1 ]; then
    echo "demo: rppp is the LNS's PPP engine under real xl2tpd; real pppd is the LAC's (CHAP)"
else
    echo "engine pairs (lns:lac): $PAIRS; modes: $MODES"
fi
rm -f $FIGURES
install_scripts
case " $PAIRS " in *rppp*)
    [ -x $RPPP ] || { fail "no rppp binary at $RPPP (run-lab.sh copies it)"; exit 1; };;
esac
for pair in $PAIRS; do
    for m in $MODES; do run_mode "${pair%%:*}" "${pair#*:}" "$m"; done
done
netns_down
# Per engine, over every run and side (PSS depends on what the other side
# shares: compare it within a pair).
awk '$2 ~ /^[0-9.]+$/ { n[$1]++; s[$1] += $2; r[$1] += $3; p[$1] += $4 }
    END { for (e in n) printf "FIGURE xl2tpd %s, mean of %d engine runs: setup_s=%.2f vmrss_kib=%.0f pss_kib=%.0f\n",
          e, n[e], s[e] / n[e], r[e] / n[e], p[e] / n[e] }' $FIGURES 2>/dev/null
[ "$DEMO" = 1 ] || [ ! -x $RPPP ] || not_l2tp
section "xl2tpd: $FAILED failed checks"
[ $FAILED = 0 ]
