# Scenario: real xl2tpd as LAC and as LNS, each spawning the PPP engine
# (real pppd unless LAB_ENGINE_LNS / LAB_ENGINE_LAC say otherwise) on the
# kernel's PPPoL2TP data path; one run per authentication mode.
# For each mode: the link comes up with the expected addresses and the
# expected authentication protocol, ping works both ways, the kernel's tunnel
# and session objects exist on both sides; stopping the LAC's xl2tpd removes
# the PPP interfaces, the tunnels and every engine process.
. /lab/lib.sh
MODES=${XL2TPD_MODES:-noauth pap chap mschapv2}
LNS_PPP_IP=10.201.0.1
LAC_PPP_IP=10.201.0.2

write_configs() {  # $1 = mode
    case $1 in
        noauth) lns_auth="require authentication = no"; lns_ppp="noauth";;
        pap) lns_auth="require authentication = yes
require pap = yes
refuse chap = yes"; lns_ppp="";;
        chap) lns_auth="require authentication = yes
require chap = yes
refuse pap = yes"; lns_ppp="";;
        mschapv2) lns_auth="require authentication = yes
refuse pap = yes
refuse chap = yes"; lns_ppp="require-mschap-v2";;
    esac
    # One secret for every protocol; both daemons read the same /etc/ppp.
    printf '# client server secret addresses\nlac * s3cret *\n' > /etc/ppp/pap-secrets
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
autodial = yes
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
CONF
}

ppp_addr() {  # ppp_addr <netns>: "local peer" of the first ppp interface with IPv4
    ip -n "$1" -o -4 addr show 2>/dev/null |
        awk '$2 ~ /^ppp/ { split($6, p, "/"); print $4, p[1]; exit }'
}
both_up() { [ -n "$(ppp_addr lns)" ] && [ -n "$(ppp_addr lac)" ]; }
no_ppp_left() {
    ! ip -n lns -o link show 2>/dev/null | grep -q ': ppp' &&
    ! ip -n lac -o link show 2>/dev/null | grep -q ': ppp'
}
no_engine_left() { [ -z "$(engine_pids)" ]; }
no_tunnel_left() {
    [ -z "$(ip netns exec lns /sbin/ip l2tp show tunnel)" ] &&
    [ -z "$(ip netns exec lac /sbin/ip l2tp show tunnel)" ]
}
lns_listening() { ip netns exec lns cat /proc/net/udp | grep -q ':06A5 '; }
has_l2tp() {  # has_l2tp <netns> tunnel|session
    ip netns exec "$1" /sbin/ip l2tp show "$2" | grep -qi "^$2 "
}
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

stop_all() {
    for p in $LNS_PID $LAC_PID; do kill "$p" 2>/dev/null; done
    wait_for 30 no_engine_left
    for p in $LNS_PID $LAC_PID $(engine_pids); do kill -9 "$p" 2>/dev/null; done
    LNS_PID=; LAC_PID=
    netns_down
}

# The authentication protocol the LNS negotiated, from pppd's debug log:
# what the LAC acknowledged in the LCP Configure-Ack the LNS received.
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

run_mode() {  # $1 = mode
    mode=$1
    failed_before=$FAILED
    section "xl2tpd/$mode: setup"
    rm -f /tmp/ppp-*.log /tmp/xl2tpd-*.log /run/xl2tpd/*
    : > $ENGINE_ARGV_LOG
    write_configs "$mode"
    check "underlay veth between netns lns and lac" netns_up || return
    t0=$(now)
    # Not through the ip() function: $! must be xl2tpd's own pid.
    /sbin/ip netns exec lns xl2tpd -D -c /etc/xl2tpd/lns.conf -p /run/xl2tpd/lns.pid \
        -C /run/xl2tpd/lns-control > /tmp/xl2tpd-lns.log 2>&1 &
    LNS_PID=$!
    # Start the LAC once the LNS listens on UDP 1701 (0x06A5).
    wait_for 50 lns_listening
    /sbin/ip netns exec lac xl2tpd -D -c /etc/xl2tpd/lac.conf -p /run/xl2tpd/lac.pid \
        -C /run/xl2tpd/lac-control > /tmp/xl2tpd-lac.log 2>&1 &
    LAC_PID=$!
    if wait_for 400 both_up; then
        pass "$mode: PPP up on both sides after $(elapsed "$t0" "$(now)") s"
    else
        fail "$mode: PPP up on both sides within 40 s"
    fi

    section "xl2tpd/$mode: checks"
    lns=$(ppp_addr lns); lac=$(ppp_addr lac)
    echo "    lns ppp: $lns   lac ppp: $lac"
    check "$mode: LNS addresses $LNS_PPP_IP peer $LAC_PPP_IP" [ "$lns" = "$LNS_PPP_IP $LAC_PPP_IP" ]
    check "$mode: LAC addresses $LAC_PPP_IP peer $LNS_PPP_IP" [ "$lac" = "$LAC_PPP_IP $LNS_PPP_IP" ]
    check "$mode: authentication as configured" auth_ok "$mode"
    check "$mode: ping LAC -> LNS over PPP" ip netns exec lac ping -c 2 -i 0.2 -W 3 -q $LNS_PPP_IP
    check "$mode: ping LNS -> LAC over PPP" ip netns exec lns ping -c 2 -i 0.2 -W 3 -q $LAC_PPP_IP
    for n in lns lac; do
        echo "    kernel L2TP objects in netns $n:"
        ip netns exec $n /sbin/ip l2tp show tunnel | sed 's/^/      /'
        ip netns exec $n /sbin/ip l2tp show session | sed 's/^/      /'
        check "$mode: kernel tunnel object in $n" has_l2tp $n tunnel
        check "$mode: kernel session object in $n" has_l2tp $n session
    done
    check "$mode: the LNS engine ran in LNS mode" grep -q 'pppol2tp_lns_mode' $ENGINE_ARGV_LOG

    section "xl2tpd/$mode: stop the LAC"
    kill "$LAC_PID"
    check "$mode: the LAC's xl2tpd exits" wait_for 100 pid_gone "$LAC_PID"
    check "$mode: every engine process is gone" wait_for 100 no_engine_left
    check "$mode: every PPP interface is gone" wait_for 50 no_ppp_left
    check "$mode: every kernel tunnel is gone" wait_for 50 no_tunnel_left
    LAC_PID=
    stop_all
    if [ $FAILED != "$failed_before" ]; then
        section "xl2tpd/$mode: FAILED, logs follow"
        dump_files $ENGINE_ARGV_LOG /tmp/xl2tpd-lns.log /tmp/xl2tpd-lac.log /tmp/ppp-lns.log /tmp/ppp-lac.log
        dump_kernel_log
    fi
}

install_engine_wrapper
for m in $MODES; do run_mode "$m"; done
section "xl2tpd: $FAILED failed checks"
[ $FAILED = 0 ]
