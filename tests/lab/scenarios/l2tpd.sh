# Scenario: rppp's own L2TPv2 daemon (`rppp l2tpd`) against real,
# unmodified xl2tpd with the real pppd, on the kernel's PPPoL2TP data path.
#
# Runs (L2TPD_ROLES x L2TPD_MODES):
#   lns   rppp l2tpd --lns in netns lns; xl2tpd as the LAC in netns lac
#         (autodial), exec'ing the real pppd
#   lac   rppp l2tpd --lac 10.200.0.1 in netns lac; xl2tpd as the LNS in
#         netns lns, exec'ing the real pppd
# Modes:
#   noauth  no PPP authentication
#   chap    the LNS requires CHAP-MD5 (user lac, secret from chap-secrets)
#   secret  no PPP authentication; the tunnel is authenticated with a shared
#           secret (rppp --secret, xl2tpd `challenge = yes` + l2tp-secrets)
#           and both sides hide their AVPs (rppp --hide, xl2tpd
#           `hidden bit = yes`)
#   peerstop  no PPP authentication; first xl2tpd is stopped (SIGTERM: it
#           sends StopCCN): rppp ends the PPP session, deletes its kernel
#           tunnel and keeps running
# With secret, also a run where rppp has another secret than xl2tpd: no
# tunnel comes up, and rppp still stops cleanly.
# Each run checks: both PPP interfaces up with 10.204.0.1 (LNS) and
# 10.204.0.2 (LAC); ping both ways; the kernel tunnel and session on the
# rppp side (`ip l2tp show`); SIGTERM to rppp: xl2tpd logs the CDN and
# the StopCCN, acknowledges them (rppp stops within 3 s, without "StopCCN
# not acknowledged"), its pppd exits, rppp exits 0, and no PPP interface,
# pppd or kernel tunnel is left on either side.
. /lab/lib.sh
RPPP=/lab/bin/rppp
ROLES=${L2TPD_ROLES:-lns lac}
MODES=${L2TPD_MODES:-noauth chap secret peerstop}
LNS_PPP_IP=10.204.0.1
LAC_PPP_IP=10.204.0.2
RPPP_LOG=/tmp/rppp-l2tpd.log
RPPP_RC=/tmp/rppp-l2tpd.rc
ENGINE_NAMES="pppd.real"

no_pppd_left() { [ -z "$(pidof pppd.real)" ]; }
lns_listening() { ip netns exec lns cat /proc/net/udp | grep -q ':06A5 '; }
has_l2tp() {  # has_l2tp <netns> tunnel|session
    ip netns exec "$1" /sbin/ip l2tp show "$2" | grep -qi "^$2 "
}
pid_gone() { ! kill -0 "$1" 2>/dev/null; }
rppp_pid() { pidof rppp; }
rppp_done() { [ -s $RPPP_RC ]; }
no_session() { ! has_l2tp "$1" session; }
auth_refused() { grep -qi 'challenge\|authenticat' /tmp/xl2tpd.log $RPPP_LOG; }

write_configs() {  # write_configs <mode>
    lns_ppp=noauth; lns_auth="require authentication = no"; tunnel_auth=""; rppp_tunnel=""
    case $1 in
        chap) lns_ppp="require-chap"
              lns_auth="require authentication = yes
require chap = yes
refuse pap = yes";;
        secret) tunnel_auth="challenge = yes
hidden bit = yes"; rppp_tunnel="--secret t0nnel --hide";;
        badsecret) tunnel_auth="challenge = yes"; rppp_tunnel="--secret wr0ng";;
    esac
    printf '# client server secret addresses\nlac * s3cret *\n' > /etc/ppp/chap-secrets
    cp /etc/ppp/chap-secrets /etc/ppp/pap-secrets
    chmod 600 /etc/ppp/pap-secrets /etc/ppp/chap-secrets
    # xl2tpd's tunnel secrets: "them us secret".
    printf '* * t0nnel\n' > /etc/xl2tpd/l2tp-secrets
    chmod 600 /etc/xl2tpd/l2tp-secrets
    cat > /etc/xl2tpd/lns.conf <<CONF
[global]
listen-addr = $LNS_UNDERLAY
port = 1701
access control = no
auth file = /etc/xl2tpd/l2tp-secrets

[lns default]
ip range = $LAC_PPP_IP-10.204.0.9
local ip = $LNS_PPP_IP
$lns_auth
$tunnel_auth
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
auth file = /etc/xl2tpd/l2tp-secrets

[lac tolns]
lns = $LNS_UNDERLAY
autodial = yes
redial = no
require authentication = no
$tunnel_auth
name = lac
ppp debug = yes
pppoptfile = /etc/ppp/options.lac
length bit = yes
CONF
    cat > /etc/ppp/options.lns <<CONF
$lns_ppp
name lns
logfile /tmp/ppp-lns.log
debug
noccp
nodefaultroute
mtu 1400
mru 1400
lcp-restart 1
CONF
    cat > /etc/ppp/options.lac <<CONF
noauth
name lac
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
CONF
}

# rppp l2tpd in the background in netns $1; its exit code lands in $RPPP_RC.
start_rppp() {  # start_rppp <netns> <args>...
    ns=$1; shift
    rm -f $RPPP_RC
    /sbin/ip netns exec "$ns" sh -c "$RPPP l2tpd $* > $RPPP_LOG 2>&1; echo \$? > $RPPP_RC" &
    echo "    rppp l2tpd $*"
}
start_xl2tpd() {  # start_xl2tpd <netns> <conf>
    /sbin/ip netns exec "$1" xl2tpd -D -c "$2" -p /run/xl2tpd/x.pid \
        -C /run/xl2tpd/x-control > /tmp/xl2tpd.log 2>&1 &
    XL2TPD_PID=$!
}

stop_all() {
    p=$(rppp_pid); [ -n "$p" ] && kill -9 $p 2>/dev/null
    [ -n "$XL2TPD_PID" ] && kill "$XL2TPD_PID" 2>/dev/null
    wait_for 30 no_pppd_left
    for p in $XL2TPD_PID $(pidof pppd.real); do kill -9 "$p" 2>/dev/null; done
    XL2TPD_PID=
    for n in lns lac; do
        for t in $(ip netns exec $n /sbin/ip l2tp show tunnel | awk '/^Tunnel/ { sub(",", "", $2); print $2 }'); do
            ip netns exec $n /sbin/ip l2tp del tunnel tunnel_id "$t" 2>/dev/null
        done
    done
}

# Starts both sides for one run: rppp in netns $rppp_ns, xl2tpd in $peer_ns.
start_pair() {  # start_pair <role of rppp> <mode>
    rm -f /tmp/ppp-*.log /tmp/xl2tpd.log /run/xl2tpd/* $RPPP_LOG
    : > $ENGINE_ARGV_LOG
    write_configs "$2"
    ip netns list | grep -q '^lac' || check "underlay veth between netns lns and lac" netns_up || return
    debug=""; [ "${L2TPD_DEBUG:-1}" = 1 ] && debug=--debug
    if [ "$1" = lns ]; then
        rppp_ns=lns; peer_ns=lac
        start_rppp lns --listen $LNS_UNDERLAY:1701 --lns --hostname lns --local-ip $LNS_PPP_IP \
            --ip-range $LAC_PPP_IP-10.204.0.9 --ppp-options /etc/ppp/options.lns $rppp_tunnel $debug
        wait_for 50 lns_listening
        start_xl2tpd lac /etc/xl2tpd/lac.conf
    else
        rppp_ns=lac; peer_ns=lns
        start_xl2tpd lns /etc/xl2tpd/lns.conf
        wait_for 50 lns_listening
        start_rppp lac --listen $LAC_UNDERLAY:1701 --lac $LNS_UNDERLAY --hostname lac \
            --ppp-options /etc/ppp/options.lac $rppp_tunnel $debug
    fi
}

# SIGTERM to rppp: it exits 0, and nothing of the run is left.
stop_rppp() {  # stop_rppp <tag>
    p=$(rppp_pid)
    check "$1: rppp runs (pid ${p:-none})" [ -n "$p" ]
    t_stop=$(now)
    [ -n "$p" ] && kill -TERM "$p"
    check "$1: rppp exits" wait_for 150 rppp_done
    took=$(elapsed "$t_stop" "$(now)")
    # xl2tpd acknowledges the CDN and the StopCCN at once: rppp has no
    # reason to wait for its shutdown grace (10 s).
    check "$1: rppp stopped within 3 s (took $took s)" awk -v t="$took" 'BEGIN { exit !(t < 3) }'
    check "$1: every StopCCN was acknowledged" sh -c "! grep -q 'StopCCN not acknowledged' $RPPP_LOG"
    check "$1: rppp exited 0 (got $(cat $RPPP_RC 2>/dev/null))" [ "$(cat $RPPP_RC 2>/dev/null)" = 0 ]
    check "$1: xl2tpd's pppd exited" wait_for 100 no_pppd_left
    check "$1: every PPP interface is gone" wait_for 50 no_ppp_left
    check "$1: every kernel tunnel is gone" wait_for 50 no_tunnel_left
    [ -n "$XL2TPD_PID" ] && check "$1: xl2tpd still runs" kill -0 "$XL2TPD_PID"
}

run_one() {  # run_one <role of rppp> <mode>
    role=$1; mode=$2; tag="rppp=$role $mode"
    failed_before=$FAILED
    section "l2tpd $tag: setup"
    t0=$(now)
    start_pair "$role" "$mode" || return
    if wait_for 400 both_up; then
        pass "$tag: PPP up on both sides after $(elapsed "$t0" "$(now)") s"
    else
        fail "$tag: PPP up on both sides within 40 s"
    fi

    section "l2tpd $tag: checks"
    set -- $(ppp_if lns); lns="${2:-} ${3:-}"
    set -- $(ppp_if lac); lac="${2:-} ${3:-}"
    check "$tag: LNS addresses $LNS_PPP_IP peer $LAC_PPP_IP ($lns)" [ "$lns" = "$LNS_PPP_IP $LAC_PPP_IP" ]
    check "$tag: LAC addresses $LAC_PPP_IP peer $LNS_PPP_IP ($lac)" [ "$lac" = "$LAC_PPP_IP $LNS_PPP_IP" ]
    check "$tag: ping LAC -> LNS over PPP" ip netns exec lac ping -c 3 -i 0.2 -W 3 -q $LNS_PPP_IP
    check "$tag: ping LNS -> LAC over PPP" ip netns exec lns ping -c 3 -i 0.2 -W 3 -q $LAC_PPP_IP
    check "$tag: kernel tunnel in $rppp_ns (rppp)" has_l2tp $rppp_ns tunnel
    check "$tag: kernel session in $rppp_ns (rppp)" has_l2tp $rppp_ns session
    check "$tag: kernel session in $peer_ns (xl2tpd)" has_l2tp $peer_ns session
    if [ "$mode" = chap ]; then
        plog=/tmp/ppp-$peer_ns.log
        if [ "$role" = lns ]; then
            check "$tag: the LAC's pppd authenticated with CHAP" grep -q 'CHAP authentication succeeded' $plog
        else
            check "$tag: the LNS's pppd required CHAP and it succeeded" grep -q 'sent \[CHAP Success' $plog
        fi
    fi

    [ "$mode" = peerstop ] && peer_stops "$tag"
    section "l2tpd $tag: SIGTERM to rppp"
    stop_rppp "$tag"
    if [ "$mode" = peerstop ]; then
        finish_run "$tag"
        return
    fi
    # rppp sends CDN, then StopCCN; xl2tpd logs both as "Connection closed
    # to": "serial N" for the call, "port P" for the tunnel.
    check "$tag: xl2tpd received the CDN" grep -q 'Connection closed to .*, serial' /tmp/xl2tpd.log
    check "$tag: xl2tpd received the StopCCN" grep -q 'Connection closed to .*, port' /tmp/xl2tpd.log
    finish_run "$tag"
}

# xl2tpd stops under a live link (SIGTERM: StopCCN, its pppd ends): rppp
# ends the PPP session, deletes the kernel tunnel and keeps running.
peer_stops() {  # peer_stops <tag>
    section "l2tpd $1: SIGTERM to xl2tpd"
    kill "$XL2TPD_PID"
    check "$1: xl2tpd exits" wait_for 100 pid_gone "$XL2TPD_PID"
    XL2TPD_PID=
    check "$1: rppp's PPP interface is gone" wait_for 100 no_ppp_left
    check "$1: rppp's kernel tunnel is gone" wait_for 100 no_tunnel_left
    check "$1: rppp logged the tunnel's end: $(grep -o 'tunnel [0-9]*: down: .*' $RPPP_LOG | head -n 1)" \
        grep -q 'down: closed by the peer\|down: .*peer' $RPPP_LOG
    check "$1: rppp still runs" [ -n "$(rppp_pid)" ]
}

# The tunnel secret is checked: with another secret than xl2tpd's, no
# tunnel (so no PPP) comes up, and rppp still stops cleanly.
run_bad_secret() {  # run_bad_secret <role of rppp>
    role=$1; tag="rppp=$role wrong tunnel secret"
    failed_before=$FAILED
    section "l2tpd $tag"
    start_pair "$role" badsecret || return
    sleep 6
    check "$tag: no PPP interface came up" no_ppp_left
    check "$tag: no kernel session in $rppp_ns (rppp)" no_session $rppp_ns
    check "$tag: a side refused the tunnel: $(grep -hi 'challenge\|authenticat' /tmp/xl2tpd.log $RPPP_LOG | head -n 2 | tr '\n' ' ')" \
        auth_refused
    stop_rppp "$tag"
    finish_run "$tag"
}

finish_run() {  # finish_run <tag>
    stop_all
    if [ $FAILED != "$failed_before" ] || [ "${L2TPD_DUMP:-0}" = 1 ]; then
        section "l2tpd $1: logs (FAILED or L2TPD_DUMP=1)"
        dump_files $ENGINE_ARGV_LOG $RPPP_LOG /tmp/xl2tpd.log /tmp/ppp-lns.log /tmp/ppp-lac.log
        dump_kernel_log
    fi
}

install_engine_wrapper
mkdir -p /run/xl2tpd /etc/xl2tpd /var/run/xl2tpd
for role in $ROLES; do
    for mode in $MODES; do
        run_one "$role" "$mode"
    done
    case " $MODES " in *" secret "*) run_bad_secret "$role";; esac
done
netns_down
[ $FAILED = 0 ]
