# Scenario: pppd's options that act outside PPP, on the real kernel, with
# rppp on both ends of one l2tp-static session (the LNS's peer address lies
# in the LNS's ethernet subnet, 10.200.0.0/24, for proxy ARP):
# - /etc/ppp/ip-pre-up, ip-up and ip-down run with pppd's arguments,
#   ip-pre-up while the interface is still down, ip-up once it is up;
#   ip-down's BYTES_SENT and BYTES_RCVD count a ping, CONNECT_TIME is set;
# - defaultroute adds a default route through the interface and removes it;
#   proxyarp adds a proxy ARP entry for the peer on veth-lns and removes it;
# - with a default route already there, defaultroute leaves it alone (a
#   warning), and with replacedefaultroute replaces it and puts it back;
# - idle 5: not while a ping runs; then rppp ends with exit code 12.
. /lab/lib.sh
RPPP=/lab/bin/rppp
CTL=/tmp/po.ctl
EV=/tmp/po.events
SESS=/tmp/po.sessions
OUT=/tmp/po.out
LNS_LOG=/tmp/po-lns.log
LAC_LOG=/tmp/po-lac.log
SCRIPTS_LOG=/tmp/scripts.log
LNS_IP=10.200.0.65
LAC_IP=10.200.0.66
ENGINE_NAMES="rppp"

# One recorder for every script: its name, arguments, the interface as
# `ip -o link` shows it then, and the down scripts' figures. Scripts get no
# PATH from pppd (nor from rppp): absolute paths only.
for s in ip-pre-up ip-up ip-down; do
    cat > /etc/ppp/$s <<'SCRIPT'
#!/bin/sh
printf '%s args=[%s] link=[%s] bytes=[%s %s] time=[%s]\n' "${0##*/}" "$*" \
    "$(/sbin/ip -o link show dev "$1")" "$BYTES_SENT" "$BYTES_RCVD" "$CONNECT_TIME" >> /tmp/scripts.log
SCRIPT
    chmod 755 /etc/ppp/$s
done

tool_gone() { ! kill -0 "$TOOL" 2>/dev/null; }
up() { ip -n lns -o -4 addr show dev ppl0 2>/dev/null | grep -q "inet $LNS_IP peer $LAC_IP" &&
       ip -n lac -o -4 addr show dev ppc0 2>/dev/null | grep -q "inet $LAC_IP peer $LNS_IP"; }
no_ppp_left() {
    [ -z "$(pidof rppp)" ] &&
    [ -z "$(ip -n lns -o link show | awk -F': ' '$2 !~ /^(lo|veth)/')" ] &&
    [ -z "$(ip -n lac -o link show | awk -F': ' '$2 !~ /^(lo|veth)/')" ]
}
default_routes() { ip -n lns -4 route show default; }
logs_on_failure() {  # logs_on_failure <failed count before>
    [ $FAILED = "$1" ] && return
    kill "$TOOL" 2>/dev/null
    for p in $(pidof rppp); do kill -9 "$p"; done
    head -c 4000 $OUT
    dump_files $EV $LNS_LOG $LAC_LOG $SCRIPTS_LOG
    echo "----- routes and proxy entries (lns)"; default_routes; ip -n lns neigh show proxy
    dump_kernel_log
}
# IPv4 alone (noipv6): with IPv6CP up first the interface would be up
# before ip-pre-up, as in pppd, and these checks are about IPv4's order.
start_pair() {  # start_pair <lns args> <lac args>
    rm -f $CTL $EV $SESS $OUT $LNS_LOG $LAC_LOG $SCRIPTS_LOG
    mkfifo $CTL
    l2tp-static --sessions 1 --lns-engine $RPPP --lac-engine $RPPP --control $CTL \
        --events $EV --sessions-file $SESS --ip-base 10.200.0.64 \
        --lns-args "nodetach debug logfile $LNS_LOG name lns ifname ppl0 {lns_ip}:{lac_ip} noauth noipv6 $1" \
        --lac-args "nodetach debug logfile $LAC_LOG name lac user lac remotename lns noauth noipv6 noipdefault ipcp-accept-local ipcp-accept-remote ifname ppc0 $2" \
        > $OUT 2>&1 &
    TOOL=$!
    wait_for 300 grep -q '^READY' $EV
}
stop_pair() { echo stop 1<>$CTL; wait_for 300 tool_gone; }
script_line() { grep "^$1 args=\[ppl0 " $SCRIPTS_LOG | tail -n 1; }

netns_up || fail "underlay veth between netns lns and lac"

section "pppd options: scripts, defaultroute, proxyarp"
failed_before=$FAILED
t0=$(now)
start_pair "ipparam labparam defaultroute proxyarp" ""
check "link up ($LNS_IP / $LAC_IP)" wait_for 300 up
check "a default route through ppl0" sh -c "/sbin/ip -n lns -4 route show default | grep -q 'dev ppl0'"
check "a proxy ARP entry for $LAC_IP on veth-lns" sh -c "/sbin/ip -n lns neigh show proxy | grep -q '^$LAC_IP dev veth-lns'"
check "rppp logs the interface it chose for proxy ARP" grep -q 'found interface veth-lns for proxy arp' $LNS_LOG
wait_for 50 sh -c "grep -q '^ip-up args=\[ppl0 ' $SCRIPTS_LOG"
pre=$(script_line ip-pre-up); upl=$(script_line ip-up)
echo "    $pre"; echo "    $upl"
check "ip-pre-up ran with pppd's arguments" \
    sh -c "echo '$pre' | grep -qF 'args=[ppl0  0 $LNS_IP $LAC_IP labparam]'"
check "ip-pre-up ran while the interface was down" \
    sh -c "echo '$pre' | grep -q 'link=\[.*<POINTOPOINT' && ! echo '$pre' | grep -q 'link=\[[^]]*[<,]UP[,>]'"
check "ip-up ran with the same arguments, the interface up" \
    sh -c "echo '$upl' | grep -qF 'args=[ppl0  0 $LNS_IP $LAC_IP labparam]' && echo '$upl' | grep -q 'link=\[[^]]*[<,]UP[,>]'"
check "ping LNS to LAC, 3 x 1000 octets" ip netns exec lns ping -c 3 -s 1000 -W 2 $LAC_IP
stop_pair
check "both engines stopped" tool_gone
down=$(script_line ip-down); echo "    $down"
# 3 echo requests out, 3 replies in: 1028 octets of IP each.
check "ip-down ran with pppd's arguments" sh -c "echo '$down' | grep -qF 'args=[ppl0  0 $LNS_IP $LAC_IP labparam]'"
set -- $(echo "$down" | sed -n 's/.*bytes=\[\([0-9]*\) \([0-9]*\)\] time=\[\([0-9]*\)\].*/\1 \2 \3/p')
check "ip-down: BYTES_SENT ${1:-?} and BYTES_RCVD ${2:-?} count the ping, CONNECT_TIME ${3:-?} set" \
    [ "${1:-0}" -ge 3084 -a "${2:-0}" -ge 3084 -a -n "${3:-}" ]
check "the default route is gone" sh -c "! /sbin/ip -n lns -4 route show default | grep -q ."
check "the proxy ARP entry is gone" sh -c "! /sbin/ip -n lns neigh show proxy | grep -q '$LAC_IP'"
check "nothing left" wait_for 50 no_ppp_left
echo "    took $(elapsed "$t0" "$(now)") s"
logs_on_failure $failed_before

section "pppd options: an existing default route; idle 5"
failed_before=$FAILED
t0=$(now)
ip -n lns route add default via $LAC_UNDERLAY dev veth-lns
start_pair "defaultroute idle 5" ""
check "link up" wait_for 300 up
t_up=$(now)
check "defaultroute leaves the existing route alone, with a warning" \
    wait_for 50 grep -q 'not replacing existing default route via 10.200.0.2' $LNS_LOG
check "the default route is still via $LAC_UNDERLAY only" \
    sh -c "/sbin/ip -n lns -4 route show default | grep -q 'via $LAC_UNDERLAY' && ! /sbin/ip -n lns -4 route show default | grep -q ppl0"
check "a ping of 8 s from the LAC" ip netns exec lac ping -c 8 -i 1 -W 2 $LNS_IP
check "idle 5 did not end the link while the ping ran ($(elapsed "$t_up" "$(now)") s up)" \
    sh -c "! grep -q '^EXIT side=lns' $EV"
check "without traffic, the LNS ends with exit code 12" wait_for 150 grep -q '^EXIT side=lns .* code=12$' $EV
echo "    idle end after $(elapsed "$t_up" "$(now)") s up"
check "it says why" grep -q 'Terminating connection due to lack of activity' $LNS_LOG
check "the LAC ends too" wait_for 300 tool_gone
check "the existing default route is untouched" sh -c "/sbin/ip -n lns -4 route show default | grep -q 'via $LAC_UNDERLAY'"
check "nothing left" wait_for 50 no_ppp_left
echo "    took $(elapsed "$t0" "$(now)") s"
logs_on_failure $failed_before

section "pppd options: replacedefaultroute"
failed_before=$FAILED
t0=$(now)
start_pair "defaultroute replacedefaultroute" ""
check "link up" wait_for 300 up
check "the default route is through ppl0 alone" \
    sh -c "/sbin/ip -n lns -4 route show default | grep -q 'dev ppl0' && ! /sbin/ip -n lns -4 route show default | grep -q 'via $LAC_UNDERLAY'"
stop_pair
check "the old default route is back" sh -c "/sbin/ip -n lns -4 route show default | grep -q 'via $LAC_UNDERLAY dev veth-lns'"
check "and ours is gone" sh -c "! /sbin/ip -n lns -4 route show default | grep -q ppl0"
check "nothing left" wait_for 50 no_ppp_left
echo "    took $(elapsed "$t0" "$(now)") s"
logs_on_failure $failed_before

netns_down
section "pppd options: $FAILED failed checks"
[ $FAILED = 0 ]
