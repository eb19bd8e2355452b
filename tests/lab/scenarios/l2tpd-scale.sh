# Scenario: `rppp l2tpd` on both ends at scale (issue #16), and xl2tpd with
# pppd bringing up sessions in the same run, for comparison.
#
# netns lns (10.200.0.1) runs `rppp l2tpd --lns` (one process, addresses
# from 10.208.0.0/16); netns lac (10.200.0.2) runs `rppp l2tpd --lac`
# (one process; each --lac flag dials a tunnel from a UDP socket of its own,
# --calls N places N calls in it, --redial 2 places again every call that
# ends, after 2 s, --max-starting L2TPD_SCALE_LAC_STARTING (200) places
# calls only while fewer are being set up). Parts (L2TPD_SCALE_PARTS, default all):
#   one     L2TPD_SCALE_ONE (1000) sessions in one tunnel
#   many    L2TPD_SCALE_TUNNELS (100) tunnels of L2TPD_SCALE_CALLS (10)
#   storm   (after many) the reconnect storm: the LAC's rppp is killed with
#           SIGKILL and started again at once. Every session of the LAC is
#           dropped at the same instant with no CDN or StopCCN (a LAC that
#           crashes or reboots), and every one is redialled at once: the
#           LNS has to bring up the new tunnels while it still holds the
#           old ones, then find those dead (HELLO every 5 s, then the
#           retransmissions give up) and let them go. A SIGTERM would
#           instead drop the sessions one by one, politely, and the
#           redial would wait for that.
#   xl2tpd  the comparison: L2TPD_SCALE_XL2TPD (20) sessions through real
#           xl2tpd and pppd, xl2tpd as the LAC to xl2tpd as the LNS. One
#           xl2tpd LAC process per session, each with its own UDP port
#           (1702, 1703, ...): xl2tpd cannot place two calls in one tunnel
#           on bookworm, and several [lac] sections of one xl2tpd share its
#           port, so their tunnels share one 4-tuple, which this kernel's
#           data path cannot tell apart (see README.md).
# Each rppp part checks: every PPP interface up on both sides, one ping
# over each (from the LNS to every LAC address, in parallel batches), and
# after SIGTERM to the LAC and then the LNS, both exit 0 and no PPP
# interface or kernel tunnel is left on either side. Figures (FIGURE lines):
# the time from starting the LAC until every link was up on both sides and
# the sessions per second that makes, and each rppp process's PSS per
# session; for xl2tpd, the same with the PSS of every xl2tpd and pppd of a
# side. "Up" is counted from /proc/net/route (one host route per PPP link
# with its peer's address), which takes no lock: an address dump would
# hold RTNL, which every unit creation needs.
. /lab/lib.sh
RPPP=/lab/bin/rppp
PARTS=${L2TPD_SCALE_PARTS:-one many storm xl2tpd}
ONE=${L2TPD_SCALE_ONE:-1000}
TUNNELS=${L2TPD_SCALE_TUNNELS:-100}
CALLS=${L2TPD_SCALE_CALLS:-10}
XN=${L2TPD_SCALE_XL2TPD:-20}
LNS_LOG=/tmp/rppp-lns.log
LAC_LOG=/tmp/rppp-lac.log
LNS_PPP_IP=10.208.0.1
ENGINE_NAMES="pppd.real"

want() { case " $PARTS " in *" $1 "*) return 0;; esac; return 1; }
pss_kib() { awk '/^Pss:/ { print $2 }' /proc/$1/smaps_rollup 2>/dev/null; }
# PPP links up in a netns: host routes through a ppp interface.
links_up() { ip netns exec "$1" cat /proc/net/route | awk '$1 ~ /^ppp/' | wc -l; }
ppp_links() { ip -n "$1" -o link show 2>/dev/null | awk -F': ' '$2 !~ /^(lo|veth)/' | wc -l; }
tunnels_in() { ip netns exec "$1" /sbin/ip l2tp show tunnel | grep -c '^Tunnel'; }
tunnels_are() { [ "$(tunnels_in "$1")" = "$2" ]; }
links_are() { [ "$(links_up "$1")" = "$2" ]; }
units_are() { [ "$(ppp_links "$1")" = "$2" ]; }
lns_listening() { ip netns exec lns cat /proc/net/udp | grep -q ':06A5 '; }
no_pppd_left() { [ -z "$(pidof pppd.real)" ]; }
# Gone, or a zombie (ash reaps a background child only when waited for).
pid_gone() { [ ! -e /proc/$1 ] || grep -q '^[0-9]* ([^)]*) Z' /proc/$1/stat 2>/dev/null; }
per() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }'; }
per_s() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.1f", n / t; else print "?" }'; }

write_ppp_options() {
    # IPv4 alone (noipv6): with IPv6CP each link also adds a link-local
    # address, one more RTNL request per session.
    cat > /etc/ppp/options.lns <<CONF
noauth
name lns
noccp
noipv6
nodefaultroute
mtu 1400
mru 1400
CONF
    cat > /etc/ppp/options.lac <<CONF
noauth
name lac
noccp
noipv6
noipdefault
ipcp-accept-local
ipcp-accept-remote
nodefaultroute
mtu 1400
mru 1400
CONF
}

# rppp l2tpd in the background in netns $1; its exit code lands in /tmp/rc-$1.
start_rppp() {  # start_rppp lns|lac <args>...
    ns=$1; shift
    rm -f /tmp/rc-$ns
    /sbin/ip netns exec "$ns" sh -c "exec $RPPP l2tpd $*" >> /tmp/rppp-$ns.log 2>&1 &
    eval "${ns}_pid=$!"
}
# Each rppp publishes its metrics in its netns (the LNS on 9469, the LAC on
# 9470); the progress lines show why sessions ended and how the control
# channel fares.
scrape() {  # scrape lns|lac
    port=9469; [ "$1" = lac ] && port=9470
    ip netns exec "$1" timeout 10 wget -q -O - http://127.0.0.1:$port/metrics 2>/dev/null
}
health() {  # health lns|lac: one line of the metrics that explain a stall
    scrape "$1" | awk '
        /^rppp_sessions_ended_total/ && $NF != "0" { sub(/.*reason="/, ""); sub(/"}/, ""); ends = ends " " $1 "=" $2 }
        /^rppp_sessions\{state=/ && $NF != "0" { sub(/.*state="/, ""); sub(/"}/, ""); st = st " " $1 "=" $2 }
        /^rppp_l2tp_control_retransmissions_total/ { rt = $NF }
        /^rppp_l2tp_control_timeouts_total/ { to = $NF }
        /^rppp_l2tp_tunnels\{state="established"/ { tu = $NF }
        END { printf "tunnels=%s retrans=%s timeouts=%s; states:%s; ended:%s", tu, rt, to, st, ends }'
}
# Seconds of CPU a process has had, user and system (/proc/PID/stat).
cpu_s() { awk '{ printf "user %.0f s sys %.0f s", $14 / 100, $15 / 100 }' /proc/$1/stat 2>/dev/null; }
start_lns() {
    : > $LNS_LOG
    # HELLO every 5 s: the storm's dead tunnels are found within about
    # 40 s (5 s, then the retransmissions: 1+2+4+8+8+8 s).
    start_rppp lns --listen $LNS_UNDERLAY:1701 --lns --hostname lns --local-ip $LNS_PPP_IP \
        --ip-range 10.208.0.2-10.208.255.254 --ppp-options /etc/ppp/options.lns --hello 5 --metrics 127.0.0.1:9469
    wait_for 50 lns_listening
}
start_lac() {  # start_lac <tunnels> <calls>
    lacs=""; i=0
    while [ $i -lt "$1" ]; do lacs="$lacs --lac $LNS_UNDERLAY"; i=$((i + 1)); done
    start_rppp lac --listen $LAC_UNDERLAY:1701 --hostname lac --ppp-options /etc/ppp/options.lac \
        --hello 5 --metrics 127.0.0.1:9470 --redial 2 --max-starting ${L2TPD_SCALE_LAC_STARTING:-200} --calls "$2" $lacs
}

# Waits until both sides have $1 links up (LNS: at least; with the storm's
# dead sessions it may have more). Gives up when nothing moved for 90 s.
wait_all_up() {  # wait_all_up <n> <max seconds>
    n=$1; waited=0; still=0; last=-1
    while :; do
        l=$(links_up lns); c=$(links_up lac)
        [ "$c" -ge "$n" ] && [ "$l" -ge "$n" ] && return 0
        [ $((l + c)) != "$last" ] && { last=$((l + c)); still=0; }
        [ $waited -ge "$2" ] || [ $still -ge 90 ] && return 1
        [ $((waited % 15)) = 14 ] && echo "    t=$(now) links up: lns $l lac $c; units: lns $(ppp_links lns) lac $(ppp_links lac); kernel tunnels: lns $(tunnels_in lns) lac $(tunnels_in lac)" \
            && echo "      lns: $(cpu_s $lns_pid); $(health lns)" && echo "      lac: $(cpu_s $lac_pid); $(health lac)"
        sleep 1; waited=$((waited + 1)); still=$((still + 1))
    done
}

# One ping from the LNS to every LAC address, 100 at a time; prints how
# many answered.
ping_all() {
    ip -n lac -o -4 addr show | awk '$2 ~ /^ppp/ { print $4 }' > /tmp/lac-addrs
    : > /tmp/ping-ok
    ip netns exec lns sh -c '
        i=0
        while read -r a; do
            { ping -c 1 -W 5 "$a" > /dev/null 2>&1 && echo "$a" >> /tmp/ping-ok; } &
            i=$((i + 1)); [ $((i % 100)) = 0 ] && wait
        done < /tmp/lac-addrs
        wait'
    wc -l < /tmp/ping-ok
}

# SIGTERM to the LAC, then the LNS: both exit 0, nothing left. Each has
# 180 s, plus a second per 20 sessions: the kernel deletes interfaces one
# at a time (about 60 a second with 10,000 of them).
stop_both() {  # stop_both <tag> <sessions>
    limit=$((180 + ${2:-0} / 20))
    for ns in lac lns; do
        eval "p=\$${ns}_pid"
        t=$(now)
        kill -TERM "$p"
        if wait_for $((limit * 10)) pid_gone "$p"; then
            wait "$p"; rc=$?
            check "$1: SIGTERM: the $ns's rppp exits 0 (got $rc, took $(elapsed "$t" "$(now)") s)" [ "$rc" = 0 ]
        else
            fail "$1: the $ns's rppp exits within $limit s of SIGTERM"
            kill -9 "$p"
        fi
    done
    check "$1: no PPP interface left (lns $(ppp_links lns), lac $(ppp_links lac))" wait_for 600 no_ppp_left
    check "$1: no kernel tunnel left (lns $(tunnels_in lns), lac $(tunnels_in lac))" wait_for 100 no_tunnel_left
}

logs_on_failure() {  # logs_on_failure <failed before>
    [ $FAILED = "$1" ] && return
    for f in $LNS_LOG $LAC_LOG; do
        echo "----- $f: $(wc -l < $f) lines; warnings and errors (first 40):"
        grep -i 'warn\|error\|fail' $f | head -n 40
        echo "----- $f (last 40)"
        tail -n 40 $f
    done
    dump_kernel_log
}

# Brings up <tunnels> x <calls> sessions and checks and measures them.
bring_up() {  # bring_up <tag> <tunnels> <calls>
    tag=$1; n=$(($2 * $3))
    section "l2tpd-scale $tag: $2 tunnel(s) x $3 sessions, rppp on both ends"
    start_lns
    t0=$(now)
    start_lac "$2" "$3"
    if wait_all_up $n $((120 + n / 2)); then
        t_up=$(elapsed "$t0" "$(now)")
        pass "$tag: all $n links up on both sides after $t_up s"
    else
        t_up=
        fail "$tag: all $n links up (lns $(links_up lns), lac $(links_up lac))"
    fi
    tl=$(tunnels_in lns); tc=$(tunnels_in lac)
    check "$tag: $2 kernel tunnel(s) on each side (lns $tl, lac $tc)" [ "$tl.$tc" = "$2.$2" ]
    lp=$(pss_kib $lns_pid); cp=$(pss_kib $lac_pid)
    echo "FIGURE l2tpd-scale-rppp tunnels=$2 sessions=$n setup_s=${t_up:-?} sessions_per_s=$(per_s $n "${t_up:-0}")" \
        "lns_pss_kib=$lp lac_pss_kib=$cp lns_pss_per_session_kib=$(per "$lp" $n) lac_pss_per_session_kib=$(per "$cp" $n)"
    ok=$(ping_all)
    check "$tag: a ping answered over $ok of $n links" [ "$ok" = "$n" ]
    # Settled: rppp l2tpd gives its free memory back once nothing is
    # starting (it looks every 5 s).
    sleep 6
    lp=$(pss_kib $lns_pid); cp=$(pss_kib $lac_pid)
    echo "FIGURE l2tpd-scale-rppp-settled tunnels=$2 sessions=$n lns_pss_kib=$lp lac_pss_kib=$cp" \
        "lns_pss_per_session_kib=$(per "$lp" $n) lac_pss_per_session_kib=$(per "$cp" $n)" \
        "lns_threads=$(awk '/^Threads/ { print $2 }' /proc/$lns_pid/status) lac_threads=$(awk '/^Threads/ { print $2 }' /proc/$lac_pid/status)"
}

netns_up || { fail "underlay veth between netns lns and lac"; exit 1; }
write_ppp_options
: > $LAC_LOG

if want one; then
    failed_before=$FAILED
    bring_up one 1 "$ONE"
    stop_both one "$ONE"
    logs_on_failure $failed_before
fi

if want many || want storm; then
    failed_before=$FAILED
    n=$((TUNNELS * CALLS))
    : > $LAC_LOG
    bring_up many "$TUNNELS" "$CALLS"
    if want storm; then
        section "l2tpd-scale storm: SIGKILL the LAC's rppp and start it again at once"
        t0=$(now)
        kill -9 $lac_pid
        wait $lac_pid 2>/dev/null
        echo "    ---- the LAC restarts" >> $LAC_LOG
        start_lac "$TUNNELS" "$CALLS"
        # The LAC's old kernel objects went with its fds; the LNS still
        # has its old sessions until it finds the tunnels dead.
        if wait_all_up $n $((120 + n / 2)); then
            t_back=$(elapsed "$t0" "$(now)")
            pass "storm: all $n links back on the LAC after $t_back s (LNS links up: $(links_up lns))"
        else
            t_back=
            fail "storm: all $n links back (lns $(links_up lns), lac $(links_up lac))"
        fi
        ok=$(ping_all)
        check "storm: a ping answered over $ok of $n new links" [ "$ok" = "$n" ]
        if wait_for 1200 tunnels_are lns "$TUNNELS"; then
            t_clean=$(elapsed "$t0" "$(now)")
            pass "storm: the LNS let the $TUNNELS dead tunnels go after $t_clean s"
        else
            t_clean=
            fail "storm: the LNS let the dead tunnels go (it has $(tunnels_in lns) tunnels, the LAC $(tunnels_in lac))"
        fi
        check "storm: the LNS has $n links left (has $(links_up lns))" wait_for 600 links_are lns $n
        check "storm: the LNS's units went with them ($(ppp_links lns))" wait_for 600 units_are lns $n
        echo "FIGURE l2tpd-scale-storm tunnels=$TUNNELS sessions=$n back_s=${t_back:-?}" \
            "sessions_per_s=$(per_s $n "${t_back:-0}") dead_tunnels_gone_s=${t_clean:-?}" \
            "lns_pss_kib=$(pss_kib $lns_pid) lac_pss_kib=$(pss_kib $lac_pid)"
    fi
    stop_both many "$n"
    logs_on_failure $failed_before
fi

if want xl2tpd; then
    failed_before=$FAILED
    section "l2tpd-scale xl2tpd: $XN sessions through xl2tpd and pppd (one xl2tpd LAC per session)"
    install_engine_wrapper > /dev/null
    mkdir -p /run/xl2tpd /etc/xl2tpd /var/run/xl2tpd
    cat > /etc/xl2tpd/lns.conf <<CONF
[global]
listen-addr = $LNS_UNDERLAY
port = 1701
access control = no

[lns default]
ip range = 10.209.0.2-10.209.0.254
local ip = 10.209.0.1
require authentication = no
name = lns
pppoptfile = /etc/ppp/options.xlns
length bit = yes
CONF
    grep -v '^noipv6' /etc/ppp/options.lns > /etc/ppp/options.xlns
    grep -v '^noipv6' /etc/ppp/options.lac > /etc/ppp/options.xlac
    /sbin/ip netns exec lns xl2tpd -D -c /etc/xl2tpd/lns.conf -p /run/xl2tpd/lns.pid \
        -C /run/xl2tpd/lns-control > /tmp/xl2tpd-lns.log 2>&1 &
    xlns=$!
    wait_for 50 lns_listening
    t0=$(now)
    xlacs=""; i=1
    while [ $i -le "$XN" ]; do
        cat > /etc/xl2tpd/lac$i.conf <<CONF
[global]
listen-addr = $LAC_UNDERLAY
port = $((1701 + i))
access control = no

[lac l$i]
lns = $LNS_UNDERLAY
autodial = yes
redial = no
require authentication = no
name = lac
pppoptfile = /etc/ppp/options.xlac
length bit = yes
CONF
        /sbin/ip netns exec lac xl2tpd -D -c /etc/xl2tpd/lac$i.conf -p /run/xl2tpd/lac$i.pid \
            -C /run/xl2tpd/lac$i-control > /tmp/xl2tpd-lac$i.log 2>&1 &
        xlacs="$xlacs $!"
        i=$((i + 1))
    done
    if wait_all_up "$XN" 300; then
        t_up=$(elapsed "$t0" "$(now)")
        pass "xl2tpd: all $XN links up on both sides after $t_up s"
    else
        t_up=
        fail "xl2tpd: all $XN links up (lns $(links_up lns), lac $(links_up lac))"
    fi
    # PSS of every xl2tpd and pppd, by side.
    lp=$(pss_kib $xlns); cp=0
    for p in $xlacs; do cp=$((cp + $(pss_kib $p))); done
    for p in $(pidof pppd.real); do
        if tr '\0' ' ' < /proc/$p/cmdline | grep -q pppol2tp_lns_mode; then
            lp=$((lp + $(pss_kib $p)))
        else
            cp=$((cp + $(pss_kib $p)))
        fi
    done
    echo "FIGURE l2tpd-scale-xl2tpd tunnels=$XN sessions=$XN setup_s=${t_up:-?} sessions_per_s=$(per_s "$XN" "${t_up:-0}")" \
        "lns_pss_kib=$lp lac_pss_kib=$cp lns_pss_per_session_kib=$(per "$lp" "$XN") lac_pss_per_session_kib=$(per "$cp" "$XN")" \
        "(xl2tpd + pppd processes: 1 + $XN on the LNS, $XN + $XN on the LAC)"
    ok=$(ping_all)
    check "xl2tpd: a ping answered over $ok of $XN links" [ "$ok" = "$XN" ]
    for p in $xlacs $xlns; do kill "$p" 2>/dev/null; done
    check "xl2tpd: every pppd exited" wait_for 300 no_pppd_left
    check "xl2tpd: no PPP interface left" wait_for 300 no_ppp_left
    check "xl2tpd: no kernel tunnel left" wait_for 100 no_tunnel_left
    if [ $FAILED != "$failed_before" ]; then
        dump_files /tmp/xl2tpd-lns.log /tmp/xl2tpd-lac1.log
        dump_kernel_log
    fi
fi
netns_down
[ $FAILED = 0 ]
