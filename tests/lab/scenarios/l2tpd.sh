# Scenario: rppp's own L2TPv2 daemon (`rppp l2tpd`) against real,
# unmodified xl2tpd with the real pppd, on the kernel's PPPoL2TP data path.
# rppp reads the very xl2tpd.conf (and l2tp-secrets, pppoptfile,
# chap-secrets) xl2tpd would read in its place: `rppp l2tpd -c FILE`.
#
# Runs (L2TPD_ROLES x L2TPD_MODES):
#   lns   rppp l2tpd -c lns.conf in netns lns; xl2tpd as the LAC in netns
#         lac (autodial), exec'ing the real pppd
#   lac   rppp l2tpd -c lac.conf in netns lac; xl2tpd as the LNS in netns
#         lns, exec'ing the real pppd
#   rppp  rppp l2tpd on both sides (lns.conf and lac.conf): the LAC logs the
#         LNS's Set-Link-Info
# Modes:
#   noauth  no PPP authentication
#   chap    the LNS requires CHAP-MD5 (user lac, secret from chap-secrets)
#   pap     the LNS requires PAP (require pap, refuse chap)
#   recipe  the LNS's xl2tpd.conf and pppoptfile as VPN recipes write them
#           (setup-ipsec-vpn): require chap, refuse pap, require
#           authentication, `+mschap-v2`, ms-dns, proxyarp, LCP echoes: the
#           LAC authenticates with MS-CHAPv2 and learns the DNS servers
#   secret  no PPP authentication; the tunnel is authenticated with a shared
#           secret (`challenge = yes` + l2tp-secrets) and both sides hide
#           their AVPs (`hidden bit = yes`)
#   peerstop  first xl2tpd is stopped (SIGTERM: it sends StopCCN): rppp ends
#           the PPP session, deletes its kernel tunnel and keeps running
#   vanish  the peer vanishes (xl2tpd and pppd killed with SIGKILL): rppp's
#           HELLO goes unanswered (`--hello 1`, `max retries = 2`), it gives
#           the tunnel up and deletes its session and kernel tunnel
#   pipe    (rppp=lac only) no autodial: the control pipe dials (`c tolns
#           USER PASSWORD`, the LNS requires CHAP of that user only), hangs
#           up (`d tolns`: StopCCN) and dials again
#   flags   noauth with rppp's flag form (--lns/--lac) instead of -c
#   limit   (rppp=rppp only) the LNS runs with --max-sessions 1 and the
#           LAC places 2 calls (--calls 2): one comes up, the other is
#           refused with a CDN, counted and logged
# With secret, also a run where rppp has another secret than xl2tpd (its
# own auth file, -s): no tunnel comes up, and rppp still stops cleanly.
# Each run checks: both PPP interfaces up with 10.204.0.1 (LNS) and
# 10.204.0.2 (LAC); ping both ways; the kernel tunnel and session on the
# rppp side (`ip l2tp show`); SIGTERM to rppp: xl2tpd logs the CDN and
# the StopCCN, acknowledges them (rppp stops within 3 s, without "StopCCN
# not acknowledged"), its pppd exits, rppp exits 0, and no PPP interface,
# pppd or kernel tunnel is left on either side.
. /lab/lib.sh
RPPP=/lab/bin/rppp
ROLES=${L2TPD_ROLES:-lns lac rppp}
MODES=${L2TPD_MODES:-noauth chap pap recipe secret peerstop vanish pipe flags limit}
LNS_PPP_IP=10.204.0.1
LAC_PPP_IP=10.204.0.2
RPPP_LOG=/tmp/rppp-l2tpd.log
RPPP_RC=/tmp/rppp-l2tpd.rc
RPPP_PIPE=/run/xl2tpd/rppp-control
RPPP_CTL=/run/rppp-l2tpd.ctl
RPPP2_LOG=/tmp/rppp-l2tpd-lac.log
ENGINE_NAMES="pppd.real"

no_pppd_left() { [ -z "$(pidof pppd.real)" ]; }
lns_listening() { ip netns exec lns cat /proc/net/udp | grep -q ':06A5 '; }
has_l2tp() {  # has_l2tp <netns> tunnel|session
    ip netns exec "$1" /sbin/ip l2tp show "$2" | grep -qi "^$2 "
}
pid_gone() { ! kill -0 "$1" 2>/dev/null; }
rppp_pid() { cat /tmp/rppp-main.pid 2>/dev/null; }
rppp_done() { [ -s $RPPP_RC ]; }
no_session() { ! has_l2tp "$1" session; }
auth_refused() { grep -qi 'challenge\|authenticat' /tmp/xl2tpd.log $RPPP_LOG; }

write_configs() {  # write_configs <mode>
    lns_ppp=noauth; lns_auth="require authentication = no"; tunnel_auth=""
    lns_optfile=/etc/ppp/options.lns; lac_ppp=""; global_extra=""; autodial=yes
    rppp_secret=t0nnel; ppp_user=lac; ppp_secret=s3cret
    case $1 in
        chap) lns_ppp="require-chap"
              lns_auth="require authentication = yes
require chap = yes
refuse pap = yes";;
        pap) lns_ppp="require-pap"
             lns_auth="require authentication = yes
require pap = yes
refuse chap = yes";;
        # The LAC refuses CHAP-MD5 (xl2tpd's `require chap` adds pppd's
        # require-chap, and pppd then asks for MD5 first): MS-CHAPv2 it is.
        recipe) lns_ppp=""; lns_optfile=/etc/ppp/options.xl2tpd; lac_ppp="usepeerdns
refuse-chap"
                lns_auth="require chap = yes
refuse pap = yes
require authentication = yes";;
        secret) tunnel_auth="challenge = yes
hidden bit = yes";;
        badsecret) tunnel_auth="challenge = yes"; rppp_secret=wr0ng;;
        vanish) global_extra="max retries = 2";;
        pipe) autodial=no; ppp_user=pipeuser; ppp_secret=pipepass
              lns_ppp="require-chap"
              lns_auth="require authentication = yes
require chap = yes
refuse pap = yes";;
    esac
    # pppd's secrets: "client server secret addresses".
    printf '# client server secret addresses\n%s * %s *\n' $ppp_user $ppp_secret > /etc/ppp/chap-secrets
    cp /etc/ppp/chap-secrets /etc/ppp/pap-secrets
    chmod 600 /etc/ppp/pap-secrets /etc/ppp/chap-secrets
    # The tunnel secrets: "us them secret". rppp reads its own copy (-s), so
    # that badsecret can give it another.
    printf '* * t0nnel\n' > /etc/xl2tpd/l2tp-secrets
    printf '# rppp: l2tp-secrets(5)\n*\t*\t%s\n' $rppp_secret > /etc/xl2tpd/rppp-secrets
    chmod 600 /etc/xl2tpd/l2tp-secrets /etc/xl2tpd/rppp-secrets
    cat > /etc/xl2tpd/lns.conf <<CONF
[global]
listen-addr = $LNS_UNDERLAY
port = 1701
access control = no
auth file = /etc/xl2tpd/l2tp-secrets
$global_extra

[lns default]
ip range = $LAC_PPP_IP-10.204.0.9
local ip = $LNS_PPP_IP
$lns_auth
$tunnel_auth
name = lns
ppp debug = yes
pppoptfile = $lns_optfile
length bit = yes
CONF
    cat > /etc/xl2tpd/lac.conf <<CONF
[global]
listen-addr = $LAC_UNDERLAY
port = 1701
access control = no
auth file = /etc/xl2tpd/l2tp-secrets
$global_extra

[lac tolns]
lns = $LNS_UNDERLAY
autodial = $autodial
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
    # setup-ipsec-vpn's options.xl2tpd, with a log file for the checks.
    cat > /etc/ppp/options.xl2tpd <<CONF
+mschap-v2
ipcp-accept-local
ipcp-accept-remote
noccp
auth
mtu 1280
mru 1280
proxyarp
lcp-echo-failure 4
lcp-echo-interval 30
connect-delay 5000
ms-dns 8.8.8.8
ms-dns 8.8.4.4
logfile /tmp/ppp-lns.log
debug
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
$lac_ppp
CONF
}

# rppp l2tpd in the background in netns $1; its exit code lands in $RPPP_RC,
# its PID in /tmp/rppp-main.pid.
start_rppp() {  # start_rppp <netns> <args>...
    ns=$1; shift
    rm -f $RPPP_RC
    /sbin/ip netns exec "$ns" sh -c "$RPPP l2tpd -p /tmp/rppp-main.pid $* > $RPPP_LOG 2>&1; echo \$? > $RPPP_RC" &
    echo "    rppp l2tpd $*"
    wait_for 30 rppp_started
}
rppp_started() { [ -s /tmp/rppp-main.pid ] || [ -s $RPPP_RC ]; }
# The peer as an rppp l2tpd LAC too (role rppp), in place of xl2tpd.
start_peer_rppp() {  # start_peer_rppp [flags]...
    /sbin/ip netns exec lac $RPPP l2tpd -c /etc/xl2tpd/lac.conf -s /etc/xl2tpd/rppp-secrets \
        -C /run/xl2tpd/rppp-lac-control --debug "$@" > $RPPP2_LOG 2>&1 &
    XL2TPD_PID=$!
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
    rm -f /tmp/rppp-main.pid
}

# Starts both sides for one run: rppp in netns $rppp_ns, xl2tpd (or, for
# role rppp, a second rppp) in $peer_ns.
start_pair() {  # start_pair <role of rppp> <mode>
    rm -f /tmp/ppp-*.log /tmp/xl2tpd.log /run/xl2tpd/* $RPPP_LOG $RPPP2_LOG /tmp/rppp-main.pid
    : > $ENGINE_ARGV_LOG
    write_configs "$2"
    ip netns list | grep -q '^lac' || check "underlay veth between netns lns and lac" netns_up || return
    debug=""; [ "${L2TPD_DEBUG:-1}" = 1 ] && debug=--debug
    extra=""; [ "$2" = vanish ] && extra="--hello 1"
    [ "$2" = limit ] && extra="--max-sessions 1"
    files="-s /etc/xl2tpd/rppp-secrets -C $RPPP_PIPE --ctl $RPPP_CTL --metrics 127.0.0.1:9469 -D $extra $debug"
    if [ "$1" = lac ]; then
        rppp_ns=lac; peer_ns=lns
        start_xl2tpd lns /etc/xl2tpd/lns.conf
        wait_for 50 lns_listening
        if [ "$2" = flags ]; then
            start_rppp lac --listen $LAC_UNDERLAY:1701 --lac $LNS_UNDERLAY --hostname lac \
                --ppp-options /etc/ppp/options.lac $debug
        else
            start_rppp lac -c /etc/xl2tpd/lac.conf $files
        fi
    else
        rppp_ns=lns; peer_ns=lac
        if [ "$2" = flags ]; then
            start_rppp lns --listen $LNS_UNDERLAY:1701 --lns --hostname lns --local-ip $LNS_PPP_IP \
                --ip-range $LAC_PPP_IP-10.204.0.9 --ppp-options /etc/ppp/options.lns $debug
        else
            start_rppp lns -c /etc/xl2tpd/lns.conf $files
        fi
        wait_for 50 lns_listening
        calls=""; [ "$2" = limit ] && calls="--calls 2"
        if [ "$1" = rppp ]; then start_peer_rppp $calls; else start_xl2tpd lac /etc/xl2tpd/lac.conf; fi
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
    check "$1: rppp removed its pid file (-p)" [ ! -e /tmp/rppp-main.pid ]
    check "$1: the peer's pppd exited" wait_for 100 no_pppd_left
    check "$1: every PPP interface is gone" wait_for 50 no_ppp_left
    check "$1: every kernel tunnel is gone" wait_for 50 no_tunnel_left
    [ -n "$XL2TPD_PID" ] && check "$1: the peer still runs" kill -0 "$XL2TPD_PID"
}

# The checks of each authentication mode, in the peer's pppd log.
auth_checks() {  # auth_checks <tag> <role> <mode>
    plog=/tmp/ppp-$peer_ns.log
    case $2:$3 in
        lns:chap) check "$1: the LAC's pppd authenticated with CHAP" grep -q 'CHAP authentication succeeded' $plog;;
        lac:chap|lac:pipe) check "$1: the LNS's pppd required CHAP and it succeeded" grep -q 'sent \[CHAP Success' $plog;;
        lns:pap) check "$1: the LAC's pppd authenticated with PAP" grep -q 'PAP authentication succeeded' $plog;;
        lac:pap) check "$1: the LNS's pppd required PAP and it succeeded" grep -q 'sent \[PAP AuthAck' $plog;;
        lns:recipe)
            check "$1: rppp asked for MS-CHAPv2 (<auth chap MS-v2> in the LAC's log)" grep -q 'rcvd \[LCP ConfReq.*<auth chap MS-v2>' $plog
            check "$1: the LAC's pppd authenticated with MS-CHAPv2" grep -q 'CHAP authentication succeeded' $plog
            check "$1: the LAC learnt the DNS servers (ms-dns)" grep -q 'primary   DNS address 8.8.8.8' $plog;;
        lac:recipe)
            check "$1: the LNS's pppd asked for MS-CHAPv2 once rppp refused MD5" grep -q 'sent \[LCP ConfReq.*<auth chap MS-v2>' $plog
            check "$1: and it succeeded" grep -q 'sent \[CHAP Success' $plog;;
        rppp:chap) check "$1: the LAC (rppp) authenticated with CHAP" grep -q 'rcvd \[CHAP Success' $RPPP2_LOG;;
    esac
    case $3 in
        pipe) check "$1: the user came from the control pipe (pipeuser)" grep -q 'name = "pipeuser"' $plog
              check "$1: no password in rppp's log" sh -c "! grep -q pipepass $RPPP_LOG";;
        recipe|chap|pap) check "$1: no PPP secret in rppp's log" sh -c "! grep -q s3cret $RPPP_LOG";;
        secret) check "$1: no tunnel secret in rppp's log" sh -c "! grep -q t0nnel $RPPP_LOG";;
    esac
}

run_one() {  # run_one <role of rppp> <mode>
    role=$1; mode=$2; tag="rppp=$role $mode"
    failed_before=$FAILED
    section "l2tpd $tag: setup"
    t0=$(now)
    start_pair "$role" "$mode" || return
    [ "$mode" = pipe ] && pipe_dial "$tag"
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
    check "$tag: kernel session in $peer_ns (the peer)" has_l2tp $peer_ns session
    auth_checks "$tag" "$role" "$mode"
    [ "$mode" = chap ] && [ "$role" != lac ] && ctl_checks "$tag"
    if [ "$role" = rppp ]; then
        check "$tag: the LAC (rppp) got the LNS's Set-Link-Info: $(grep -o 'Set-Link-Info.*' $RPPP2_LOG | head -n 1)" \
            grep -q "Set-Link-Info send" $RPPP2_LOG
    fi

    case $mode in
        limit) limit_checks "$tag";;
        peerstop) peer_stops "$tag";;
        vanish) peer_vanishes "$tag";;
        pipe) pipe_available "$tag"; pipe_hangup "$tag"; pipe_redial "$tag";;
    esac
    section "l2tpd $tag: SIGTERM to rppp"
    stop_rppp "$tag"
    if [ "$mode" = peerstop ] || [ "$mode" = vanish ]; then
        finish_run "$tag"
        return
    fi
    if [ "$role" = rppp ]; then
        check "$tag: the LAC (rppp) got the CDN" grep -q 'session [0-9]* down' $RPPP2_LOG
        check "$tag: the LAC (rppp) got the StopCCN" grep -q 'down: peer sent StopCCN' $RPPP2_LOG
    else
        # rppp sends CDN, then StopCCN; xl2tpd logs both as "Connection
        # closed to": "serial N" for the call, "port P" for the tunnel.
        check "$tag: xl2tpd received the CDN" grep -q 'Connection closed to .*, serial' /tmp/xl2tpd.log
        check "$tag: xl2tpd received the StopCCN" grep -q 'Connection closed to .*, port' /tmp/xl2tpd.log
    fi
    finish_run "$tag"
}

# The control pipe: dial the LAC section with a user and password.
pipe_dial() {  # pipe_dial <tag>
    check "$1: rppp made the control pipe" wait_for 30 test -p $RPPP_PIPE
    sleep 1
    check "$1: no tunnel before the pipe dials (autodial = no)" no_tunnel_left
    echo "c tolns pipeuser pipepass" > $RPPP_PIPE
    pass "$1: wrote 'c tolns pipeuser <password>' to $RPPP_PIPE"
}
# rppp ctl over the daemon's control socket (--ctl): the session, with the
# peer's user and address, and the tunnel; the metrics (--metrics) agree.
ctl_checks() {  # ctl_checks <tag>
    $RPPP ctl --socket $RPPP_CTL show sessions ifname user ip --json > /tmp/ctl.out 2>&1
    rc=$?
    check "$1: rppp ctl show sessions exits 0 (got $rc)" [ $rc = 0 ]
    check "$1: and lists the session of user lac at $LAC_PPP_IP: $(tr -d '\n' < /tmp/ctl.out | cut -c1-120)" \
        sh -c "grep -q '\"lac\"' /tmp/ctl.out && grep -q '$LAC_PPP_IP' /tmp/ctl.out"
    $RPPP ctl --socket $RPPP_CTL show tunnels > /tmp/ctl-tunnels.out 2>&1
    check "$1: rppp ctl show tunnels lists the tunnel, established: $(tail -n 1 /tmp/ctl-tunnels.out)" \
        grep -q 'Established' /tmp/ctl-tunnels.out
    # The loop publishes its L2TP figures once a second.
    check "$1: the metrics say 1 established tunnel" wait_for 30 metrics_have '^rppp_l2tp_tunnels{state="established"} 1$'
    check "$1: 1 L2TP session" metrics_have '^rppp_l2tp_sessions 1$'
    check "$1: 1 PPP session authenticated with CHAP-MD5" metrics_have '^rppp_sessions_by_auth_method{method="chap-md5"} 1$'
}
metrics_have() {  # metrics_have <regex>: a scrape of rppp's metrics has a line
    ip netns exec lns wget -q -O /tmp/metrics.out http://127.0.0.1:9469/metrics 2>/dev/null &&
        grep -q "$1" /tmp/metrics.out
}

# --max-sessions 1 against 2 calls: the second is refused with a CDN
# (Result Code 4), counted, and logged once (after the status tick).
limit_checks() {  # limit_checks <tag>
    check "$1: the LAC's second call was refused: $(grep -o 'session [0-9]* down: .*' $RPPP2_LOG | head -n 1)" \
        wait_for 100 grep -q 'down: .*peer sent CDN' $RPPP2_LOG
    check "$1: one PPP link on each side (lns $(ppp_count lns), lac $(ppp_count lac))" \
        [ "$(ppp_count lns) $(ppp_count lac)" = "1 1" ]
    check "$1: the LNS logged the refusal once" \
        wait_for 150 grep -q 'refused 1 call(s) or tunnel(s): max-sessions reached' $RPPP_LOG
}
ppp_count() {  # ppp_count <netns>: PPP interfaces with an IPv4 address
    /sbin/ip -n "$1" -o -4 addr show | grep -c ': ppp'
}

# xl2tpd's own client, xl2tpd-control, reads rppp's answers.
pipe_available() {  # pipe_available <tag>
    xl2tpd-control -d -c $RPPP_PIPE available > /tmp/xl2tpd-control.out 2>&1
    rc=$?
    check "$1: xl2tpd-control available exits 0 (got $rc)" [ $rc = 0 ]
    check "$1: and lists the LAC section: $(grep -o 'lac.0.name=[a-z]*' /tmp/xl2tpd-control.out)" \
        grep -q 'lac.0.name=tolns' /tmp/xl2tpd-control.out
    check "$1: and its tunnel with 1 call" grep -q 'has 1 calls' /tmp/xl2tpd-control.out
    xl2tpd-control -c $RPPP_PIPE connect-lac nosuchlac > /tmp/xl2tpd-control.out 2>&1
    rc=$?
    check "$1: xl2tpd-control connect-lac nosuchlac exits 1 (got $rc)" [ $rc = 1 ]
}
# xl2tpd-control dials again, with the user and password.
pipe_redial() {  # pipe_redial <tag>
    xl2tpd-control -c $RPPP_PIPE connect-lac tolns pipeuser pipepass > /tmp/xl2tpd-control.out 2>&1
    rc=$?
    check "$1: xl2tpd-control connect-lac tolns exits 0 (got $rc)" [ $rc = 0 ]
    check "$1: up again" wait_for 300 both_up
    check "$1: ping LAC -> LNS over PPP" ip netns exec lac ping -c 2 -i 0.2 -W 3 -q $LNS_PPP_IP
}
# The control pipe: hang up; the tunnel goes (StopCCN), rppp stays.
pipe_hangup() {  # pipe_hangup <tag>
    echo "d tolns" > $RPPP_PIPE
    check "$1: 'd tolns' ended the PPP link" wait_for 100 no_ppp_left
    check "$1: and the tunnel (xl2tpd got the StopCCN)" wait_for 100 grep -q 'Connection closed to .*, port' /tmp/xl2tpd.log
    check "$1: rppp's kernel tunnel is gone" wait_for 100 no_tunnel_left
    check "$1: rppp still runs" [ -n "$(rppp_pid)" ]
}

# xl2tpd stops under a live link (SIGTERM: StopCCN, its pppd ends): rppp
# ends the PPP session, deletes the kernel tunnel and keeps running.
peer_stops() {  # peer_stops <tag>
    section "l2tpd $1: SIGTERM to the peer"
    kill "$XL2TPD_PID"
    check "$1: the peer exits" wait_for 100 pid_gone "$XL2TPD_PID"
    XL2TPD_PID=
    check "$1: rppp's PPP interface is gone" wait_for 100 no_ppp_left
    check "$1: rppp's kernel tunnel is gone" wait_for 100 no_tunnel_left
    check "$1: rppp logged the tunnel's end: $(grep -o 'tunnel [0-9]*: down: .*' $RPPP_LOG | head -n 1)" \
        grep -q 'down: closed by the peer\|down: .*peer' $RPPP_LOG
    check "$1: rppp still runs" [ -n "$(rppp_pid)" ]
}

# The peer vanishes: SIGKILL to it and its pppd, no StopCCN, no CDN. rppp's
# HELLO (every 1 s here) goes unanswered; after 2 retries it gives up.
peer_vanishes() {  # peer_vanishes <tag>
    section "l2tpd $1: SIGKILL to the peer"
    t_kill=$(now)
    kill -9 "$XL2TPD_PID" $(pidof pppd.real) 2>/dev/null
    XL2TPD_PID=
    check "$1: rppp's PPP interface is gone" wait_for 300 no_ppp_left
    check "$1: rppp's kernel tunnel is gone" wait_for 100 no_tunnel_left
    check "$1: rppp gave the tunnel up after $(elapsed "$t_kill" "$(now)") s: $(grep -o 'tunnel [0-9]*: down: .*' $RPPP_LOG | head -n 1)" \
        grep -q 'down: peer unreachable' $RPPP_LOG
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
        dump_files $ENGINE_ARGV_LOG $RPPP_LOG $RPPP2_LOG /tmp/xl2tpd.log /tmp/ppp-lns.log /tmp/ppp-lac.log
        dump_kernel_log
    fi
}

# Which modes each role runs: pipe dials from a LAC; the rppp pair shows
# the two daemons together.
runs_mode() {  # runs_mode <role> <mode>
    case $1:$2 in
        lns:pipe) return 1;;
        rppp:noauth|rppp:chap|rppp:secret|rppp:limit) return 0;;
        *:limit) return 1;;
        rppp:*) return 1;;
    esac
}

install_engine_wrapper
mkdir -p /run/xl2tpd /etc/xl2tpd /var/run/xl2tpd
for role in $ROLES; do
    for mode in $MODES; do
        runs_mode "$role" "$mode" && run_one "$role" "$mode"
    done
    case "$role: $MODES " in rppp:*) ;; *" secret "*) run_bad_secret "$role";; esac
done
netns_down
[ $FAILED = 0 ]
