# Scenario: rppp on the real kernel, through l2tp-static's static sessions.
# - interop: rppp as the LNS against real pppd, real pppd as the LNS against
#   rppp, and rppp on both ends, for noauth, PAP, CHAP-MD5 and MS-CHAPv2:
#   addresses, the negotiated authentication, ping both ways, the
#   PPPIOCGL2TPSTATS counters rppp logs at the end, a clean stop and
#   nothing left behind;
# - ifname honoured; an ifname that already exists is a clear error with
#   nothing left; SIGKILL leaves no interface; a session deleted with
#   `ip l2tp del session` ends its rppp with 16 at once (the kernel's l2tp
#   netlink announcement, no hangup on this kernel), its peer with 15 when
#   the echoes fail, and deleting the tunnels ends every other one with 16; the interface MTU is
#   min(peer's MRU, mtu) and `ping -M do` fits it exactly; IPv6CP from a
#   peer while IPv6 is off (noipv6) is Protocol-Rejected, no IPv6 address appears,
#   and IPv6 data the peer sends anyway is dropped by the kernel;
# - ipv6order: rppp with +ipv6 against pppd with +ipv6, IPv6CP opening
#   before IPCP and after it: either way rppp's interface has a route to
#   the peer's link-local address and ping -6 to it crosses;
# - scale: N sessions in one rppp process on each side (--one-process):
#   all up, one ping per link, memory per session, clean stop;
# - cycles: rounds of sessions brought up and closed in one library Engine
#   per side (rppp-cycles), with no fd, interface, address or kernel
#   session left.
. /lab/lib.sh
RPPP=/lab/bin/rppp
PPPD=/usr/sbin/pppd.real
CTL=/tmp/rppp.ctl
EV=/tmp/rppp.events
SESS=/tmp/rppp.sessions
OUT=/tmp/rppp.out
LNS_LOG=/tmp/rppp-lns.log
LAC_LOG=/tmp/rppp-lac.log
SCALE=${RPPP_SCALE_COUNTS:-1 100 1000}
# Sessions and rounds of the cycles part (RPPP_CYCLES, default 100 x 3:
# 300 cycles; "100 100" for 10,000).
CYCLES=${RPPP_CYCLES:-100 3}
# Which parts run (RPPP_PARTS, default all): interop ifname taken kill delete mtu ipv6 ipv6order scale cycles
PARTS=${RPPP_PARTS:-interop ifname taken kill delete mtu ipv6 ipv6order scale cycles}
want() { case " $PARTS " in *" $1 "*) return 0;; esac; return 1; }
ENGINE_NAMES="pppd.real rppp"

[ -e /usr/sbin/pppd.real ] || mv /usr/sbin/pppd /usr/sbin/pppd.real
printf '# client server secret addresses\nlac lns s3cret *\n' > /etc/ppp/chap-secrets
cp /etc/ppp/chap-secrets /etc/ppp/pap-secrets
chmod 600 /etc/ppp/chap-secrets /etc/ppp/pap-secrets

up_count() { ip -n "$1" -o -4 addr show 2>/dev/null | awk '$2 !~ /^(lo|veth)/' | wc -l; }
both_up() { [ "$(up_count lns)" = "$1" ] && [ "$(up_count lac)" = "$1" ]; }
# Links up as the engines' logs tell (rppp logs "remote IP address" once the
# address is set and the interface is up). Counting lines takes no lock;
# listing addresses is an RTM_GETADDR dump, which 6.1 runs under RTNL, the
# lock every unit creation needs: polling the kernel once a second with
# thousands of interfaces would slow the very bring-up it measures.
logged_up() { grep -c 'remote IP address' "$1" 2>/dev/null || true; }
both_logged_up() { [ "$(logged_up $LNS_LOG)" -ge "$1" ] && [ "$(logged_up $LAC_LOG)" -ge "$1" ]; }
tool_gone() { ! kill -0 "$TOOL" 2>/dev/null; }
no_ppp_left() {
    [ -z "$(pidof $ENGINE_NAMES)" ] &&
    [ -z "$(ip -n lns -o link show | awk -F': ' '$2 !~ /^(lo|veth|taken)/')" ] &&
    [ -z "$(ip -n lac -o link show | awk -F': ' '$2 !~ /^(lo|veth)/')" ]
}
logs_on_failure() {  # logs_on_failure <failed count before>
    [ $FAILED = "$1" ] && return
    kill "$TOOL" 2>/dev/null
    for p in $(pidof $ENGINE_NAMES); do kill -9 "$p"; done
    head -c 6000 $OUT
    dump_files $EV $LNS_LOG $LAC_LOG
    dump_kernel_log
}
start_pair() {  # start_pair <lns engine> <lac engine> <lns args> <lac args> [tool options]
    rm -f $CTL $EV $SESS $OUT $LNS_LOG $LAC_LOG
    mkfifo $CTL
    l2tp-static --sessions "${SESSIONS:-1}" --lns-engine "$1" --lac-engine "$2" --control $CTL \
        --events $EV --sessions-file $SESS \
        --lns-args "nodetach debug logfile $LNS_LOG name lns {lns_ip}:{lac_ip} $3" \
        --lac-args "nodetach debug logfile $LAC_LOG name lac user lac remotename lns noauth noipdefault ipcp-accept-local ipcp-accept-remote $4" \
        ${5:-} > $OUT 2>&1 &
    TOOL=$!
    wait_for 300 grep -q '^READY' $EV
}
stop_pair() {  # stop_pair [tenths of a second to wait]
    # Opened read-write: no wait for a reader when the tool has already
    # ended (all its sessions gone); when it runs, it holds the FIFO open
    # and reads the line.
    echo stop 1<>$CTL
    wait_for "${1:-300}" tool_gone
}
name_of() { [ "$1" = "$RPPP" ] && echo rppp || echo pppd; }

netns_up || fail "underlay veth between netns lns and lac"

if want interop; then
section "rppp: interop with pppd, every authentication"
for engines in "$RPPP $PPPD" "$PPPD $RPPP" "$RPPP $RPPP"; do
    set -- $engines; lns=$1; lac=$2
    for auth in noauth pap chap mschapv2; do
        failed_before=$FAILED
        case $auth in
            noauth) a="noauth"; shows="";;
            pap) a="auth require-pap"; shows="<auth pap>";;
            chap) a="auth require-chap"; shows="<auth chap MD5>";;
            mschapv2) a="auth require-mschap-v2"; shows="<auth chap MS-v2>";;
        esac
        tag="lns=$(name_of $lns) lac=$(name_of $lac) $auth"
        start_pair "$lns" "$lac" "$a" ""
        if ! wait_for 300 both_up 1; then fail "$tag: link up"; logs_on_failure $failed_before; stop_pair; continue; fi
        set -- $(cat $SESS)
        lns_ip=$6; lac_ip=$7
        check "$tag: link up with $lns_ip / $lac_ip" \
            sh -c "/sbin/ip -n lns -o -4 addr | grep -q 'inet $lns_ip peer $lac_ip' && /sbin/ip -n lac -o -4 addr | grep -q 'inet $lac_ip peer $lns_ip'"
        if [ -n "$shows" ]; then
            check "$tag: the LNS negotiated $shows" grep -q "$shows" $LNS_LOG
            check "$tag: the LNS authenticated the LAC" \
                grep -Eq 'peer lac authenticated|peer authentication succeeded for lac|sent \[(CHAP Success|PAP AuthAck)' $LNS_LOG
        fi
        check "$tag: ping LNS to LAC" ip netns exec lns ping -c 3 -W 2 "$lac_ip"
        check "$tag: ping LAC to LNS" ip netns exec lac ping -c 3 -W 2 "$lns_ip"
        stop_pair
        check "$tag: both engines stopped" tool_gone
        check "$tag: the LAC exited with 5 (or 16 for pppd)" grep -Eq '^EXIT side=lac .* code=(5|16)$' $EV
        for side in lns lac; do
            [ "$side" = lns ] && e=$lns || e=$lac
            [ "$e" = "$RPPP" ] || continue
            [ "$side" = lns ] && log=$LNS_LOG || log=$LAC_LOG
            # 3 pings each way: 6 data packets sent and received by each
            # side, plus the control frames.
            counters=$(grep 'L2TP session counters' $log | tail -n 1)
            check "$tag: $side PPPIOCGL2TPSTATS counters match the pings ($counters)" \
                awk '/L2TP session counters/ { tx = $5; rx = $8 } END { exit !(tx >= 6 && rx >= 6) }' $log
        done
        check "$tag: nothing left" wait_for 50 no_ppp_left
        logs_on_failure $failed_before
    done
done
fi

if want ifname; then
section "rppp: ifname"
failed_before=$FAILED
start_pair $RPPP $RPPP "noauth ifname l2tp-lns7" "ifname l2tp-lac7"
check "ifname names both interfaces" wait_for 300 sh -c \
    "/sbin/ip -n lns -o -4 addr show dev l2tp-lns7 | grep -q inet && /sbin/ip -n lac -o -4 addr show dev l2tp-lac7 | grep -q inet"
stop_pair
check "ifname: nothing left" wait_for 50 no_ppp_left
logs_on_failure $failed_before
fi

if want taken; then
section "rppp: an ifname that exists already"
failed_before=$FAILED
# (the guest has no dummy driver: a veth end takes the name)
ip -n lns link add taken0 type veth peer name taken0p
start_pair $RPPP $RPPP "noauth ifname taken0" "lcp-echo-interval 1 lcp-echo-failure 2"
check "the LNS engine ends with exit 1" wait_for 300 grep -q '^EXIT side=lns .* code=1$' $EV
check "its log names the step, the name and the reason" \
    grep -Eq 'create the unit.*taken0.*(exists|EEXIST)' $LNS_LOG
check "the LAC engine ends by itself" wait_for 600 tool_gone
check "no ppp interface was left in the LNS namespace" sh -c "! /sbin/ip -n lns -o link show | grep -q ': ppp'"
check "the other interface is untouched" sh -c "/sbin/ip -n lns link show taken0 | grep -q 'link/ether'"
ip -n lns link del taken0 2>/dev/null
check "taken: nothing left" wait_for 50 no_ppp_left
logs_on_failure $failed_before
fi

if want kill; then
section "rppp: SIGKILL"
failed_before=$FAILED
start_pair $RPPP $RPPP "noauth" "lcp-echo-interval 1 lcp-echo-failure 2"
wait_for 300 both_up 1
for p in $(pidof rppp); do
    tr '\0' ' ' < /proc/$p/cmdline | grep -q pppol2tp_lns_mode && kill -9 "$p"
done
check "after SIGKILL the LNS interface is gone" wait_for 50 sh -c "! /sbin/ip -n lns -o link show | grep -q ': ppp'"
check "the LAC finds its peer dead (15)" wait_for 200 grep -q '^EXIT side=lac .* code=15$' $EV
check "SIGKILL: nothing left" wait_for 100 no_ppp_left
logs_on_failure $failed_before
fi

if want delete; then
section "rppp: the L2TP session deleted, then the tunnels"
failed_before=$FAILED
# Echoes every 2 s, 4 failures: a dead peer is noticed after about 8 s.
# Three sessions, one rppp process per session and side.
echo_opts="lcp-echo-interval 2 lcp-echo-failure 4"
SESSIONS=3 start_pair $RPPP $RPPP "noauth $echo_opts" "$echo_opts"
if wait_for 600 both_up 3; then
    set -- $(sed -n 2p $SESS)   # index lns_tunnel lns_session lac_tunnel lac_session lns_ip lac_ip
    idx=$1; lns_t=$2; lac_t=$4
    t0=$(now)
    ip netns exec lns /sbin/ip l2tp del session tunnel_id "$2" session_id "$3"
    # Well before the echoes could fail (8 s): the announcement.
    if wait_for 40 grep -q "^EXIT side=lns index=$idx .* code=16\$" $EV; then
        pass "the deleted session's LNS rppp exits with 16 after $(elapsed "$t0" "$(now)") s (echoes would take 8 s)"
    else
        fail "the deleted session's LNS rppp exits with 16 within 4 s ($(grep "^EXIT side=lns index=$idx " $EV))"
    fi
    check "its log says why" grep -q "L2TP session $3 of tunnel $2 deleted" $LNS_LOG
    check "its interface is gone" wait_for 50 sh -c "[ \$(/sbin/ip -n lns -o link show | grep -c ': ppp') = 2 ]"
    check "no other engine exited" [ "$(grep -c '^EXIT' $EV)" = 1 ]
    # The LAC's session still exists: its peer went silent, a dead peer.
    check "its LAC peer ends with 15 once its echoes fail" \
        wait_for 300 grep -q "^EXIT side=lac index=$idx .* code=15\$" $EV
    t0=$(now)
    ip netns exec lns /sbin/ip l2tp del tunnel tunnel_id "$lns_t"
    ip netns exec lac /sbin/ip l2tp del tunnel tunnel_id "$lac_t"
    check "deleting the tunnels ends every other rppp" wait_for 100 tool_gone
    echo "    after $(elapsed "$t0" "$(now)") s; exit codes: $(grep '^EXIT' $EV | sed 's/.*side=\([a-z]*\) .*code=/\1:/' | sort | uniq -c | tr -s ' \n' ' ')"
    check "each of them with 16" [ "$(grep -c '^EXIT .* code=16$' $EV)" = 5 ]
    check "delete: nothing left" wait_for 50 no_ppp_left
    if [ $FAILED != $failed_before ]; then
        cat $EV; grep -E 'l2tp|L2TP|Modem|exit' $LNS_LOG | head -n 40
    fi
    # One process per side: the tunnels deleted under ten sessions.
    SESSIONS=10 start_pair $RPPP $RPPP "noauth ifname lns{index} $echo_opts" "ifname lac{index} $echo_opts" "--one-process"
    if wait_for 600 both_up 10; then
        set -- $(sed -n 1p $SESS)
        t0=$(now)
        ip netns exec lns /sbin/ip l2tp del tunnel tunnel_id "$2"
        ip netns exec lac /sbin/ip l2tp del tunnel tunnel_id "$4"
        check "one process per side: deleting the tunnels ends both" wait_for 100 tool_gone
        ended=$(cat $LNS_LOG $LAC_LOG | grep -c 'ended: exit code 16 ')
        echo "    after $(elapsed "$t0" "$(now)") s: $ended sessions ended with 16"
        check "one process per side: all 20 sessions ended with 16" [ "$ended" = 20 ]
        check "one process per side: nothing left" wait_for 50 no_ppp_left
    else
        fail "one process per side: 10 links up"
    fi
else
    fail "delete: 3 links up"
fi
stop_pair 50
logs_on_failure $failed_before
fi

if want mtu; then
section "rppp: MTU and MRU"
failed_before=$FAILED
start_pair $RPPP $PPPD "noauth mtu 1400 mru 1300" "mtu 1450 mru 1280"
wait_for 300 both_up 1
set -- $(cat $SESS)
# rppp's interface MTU is min(peer's MRU 1280, mtu 1400).
check "the rppp interface MTU is min(peer MRU, mtu) = 1280" sh -c "/sbin/ip -n lns link show | grep -q 'mtu 1280 '"
check "a ping of 1280 octets crosses" ip netns exec lns ping -c 1 -W 2 -s 1252 "$7"
# Don't Fragment at the negotiated MTU (iputils' ping: busybox's has no -M).
check "ping -M do -s 1252 (1280 octets) crosses" \
    ip netns exec lns iputils-ping -c 1 -W 2 -M do -s 1252 "$7"
big=$(ip netns exec lns iputils-ping -c 1 -W 2 -M do -s 1253 "$7" 2>&1); rc=$?
echo "    ping -M do -s 1253: exit $rc: $(echo "$big" | grep -i -m 1 'too long\|mtu')"
check "ping -M do -s 1253 (1281 octets) is refused locally: message too long" \
    sh -c "[ $rc != 0 ] && echo '$big' | grep -qi 'message too long'"
stop_pair
check "MTU: nothing left" wait_for 50 no_ppp_left
logs_on_failure $failed_before
fi

if want ipv6; then
section "rppp: IPv6CP from a peer while IPv6 is off"
failed_before=$FAILED
start_pair $RPPP $PPPD "noauth noipv6 ifname v6lns" "+ipv6 ifname v6lac"
wait_for 300 both_up 1
check "rppp Protocol-Rejects IPv6CP" wait_for 100 grep -q 'sent \[LCP ProtRej.*proto=0x8057\|sent \[LCP ProtRej' $LNS_LOG
check "no global or link-local IPv6 address on rppp's interface" \
    sh -c "! /sbin/ip -n lns -o -6 addr show | grep -v ' lo \| veth' | grep -q inet6"
# IPv6 data (protocol 0x0057) toward rppp anyway: pppd's unit passes IPv6
# (a new unit's NP mode is PASS and pppd leaves it), so an IPv6 address and
# a ping on pppd's interface put IPv6 frames on the link. rppp's unit has
# IPv6 at DROP: ppp_generic counts each frame in the interface's rx_packets,
# then drops it. pkt-count (AF_PACKET) on rppp's interface must see none of
# them, and the IPv4 pings sent meanwhile (the control: the capture works).
set -- $(cat $SESS)
stat() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }
ip -n lac -6 addr add 2001:db8:57::2/64 dev v6lac nodad
lac_tx0=$(stat lac v6lac tx_packets); lns_rx0=$(stat lns v6lns rx_packets)
pkt-count --netns lns --ifname v6lns --seconds 12 > /tmp/pkt.out 2>&1 &
PKT=$!
wait_for 50 grep -q LISTENING /tmp/pkt.out
ip netns exec lac iputils-ping -6 -c 5 -i 0.2 -W 1 2001:db8:57::1 > /dev/null 2>&1
ip netns exec lac ping -c 3 -W 2 "$6" > /dev/null 2>&1
wait $PKT
lac_tx=$(( $(stat lac v6lac tx_packets) - lac_tx0 )); lns_rx=$(( $(stat lns v6lns rx_packets) - lns_rx0 ))
counts=$(grep '^PKT' /tmp/pkt.out)
echo "    pppd's interface sent $lac_tx frames, rppp's unit received $lns_rx; delivered: $counts"
check "pppd put the 5 IPv6 echo requests and 3 IPv4 ones on the link (tx_packets +$lac_tx)" [ "$lac_tx" -ge 8 ]
check "they reached rppp's unit (rx_packets +$lns_rx)" [ "$lns_rx" -ge 8 ]
check "rppp's interface delivered the IPv4 pings (the capture works)" \
    sh -c "echo '$counts' | grep -Eq 'ipv4=[3-9]'"
check "rppp's interface delivered no IPv6 frame (dropped by the kernel)" \
    sh -c "echo '$counts' | grep -q 'ipv6=0 '"
stop_pair
check "IPv6: nothing left" wait_for 50 no_ppp_left
logs_on_failure $failed_before
fi

if want ipv6order; then
# Which NCP opens first is set by the rounds each takes. IPv6CP first: the
# LAC (noipdefault) asks for 0.0.0.0 and DNS addresses (usepeerdns), which
# rppp rejects, then Naks: three IPCP rounds, one IPv6CP round. IPCP first:
# the LAC asks for its configured address (one IPCP round), while rppp
# insists on the LAC's interface identifier ::2 (ipv6 ::1,::2), which pppd
# takes only after a Nak (ipv6cp-accept-local): two IPv6CP rounds.
for order in ipv6cp-first ipcp-first; do
    section "rppp: +ipv6 against pppd, $order"
    failed_before=$FAILED
    case $order in
        ipv6cp-first) lns_v6="+ipv6"; lac_v6="+ipv6 usepeerdns";;
        ipcp-first) lns_v6="+ipv6 ipv6 ::1,::2"; lac_v6="+ipv6 ipv6cp-accept-local {lac_ip}:";;
    esac
    start_pair $RPPP $PPPD "noauth ifname v6lns $lns_v6" "ifname v6lac $lac_v6"
    wait_for 300 both_up 1
    wait_for 100 grep -q 'remote LL address' $LNS_LOG
    ll=$(grep -n -m 1 'local  LL address' $LNS_LOG | cut -d: -f1)
    ip4=$(grep -n -m 1 'local  IP address' $LNS_LOG | cut -d: -f1)
    case $order in
        ipv6cp-first) check "IPv6CP opened before IPCP in rppp's log (lines $ll, $ip4)" [ "${ll:-999999}" -lt "${ip4:-0}" ];;
        ipcp-first) check "IPCP opened before IPv6CP in rppp's log (lines $ip4, $ll)" [ "${ip4:-999999}" -lt "${ll:-0}" ];;
    esac
    peer=$(sed -n 's/.*remote LL address \(fe80::[0-9a-f:]*\).*/\1/p' $LNS_LOG | head -n 1)
    mine=$(sed -n 's/.*local  LL address \(fe80::[0-9a-f:]*\).*/\1/p' $LNS_LOG | head -n 1)
    echo "    rppp's link-local $mine, pppd's $peer"
    echo "    rppp's side: $(ip -n lns -6 addr show dev v6lns | grep inet6 | tr -s ' ')"
    echo "    ip -6 route show dev v6lns (rppp): $(ip -n lns -6 route show dev v6lns | tr '\n' ';')"
    echo "    ip -6 route show dev v6lac (pppd): $(ip -n lac -6 route show dev v6lac | tr '\n' ';')"
    check "$order: rppp logged a peer link-local address" [ -n "$peer" ]
    check "$order: rppp's interface has a route to the peer $peer" \
        sh -c "/sbin/ip -n lns -6 route show dev v6lns | grep -q '^${peer:-none} '"
    check "$order: ping -6 from rppp to $peer%v6lns crosses" \
        ip netns exec lns iputils-ping -6 -c 2 -W 2 "${peer:-fe80::1}%v6lns"
    check "$order: ping -6 from pppd to $mine%v6lac crosses" \
        ip netns exec lac iputils-ping -6 -c 2 -W 2 "${mine:-fe80::1}%v6lac"
    stop_pair
    check "$order: nothing left" wait_for 50 no_ppp_left
    logs_on_failure $failed_before
done
fi

if want scale; then
for n in $SCALE; do
    section "rppp: $n sessions in one process on each side"
    failed_before=$FAILED
    t0=$(now)
    # Every unit named (ifname), so that both processes create named units
    # at once and the kernel's ppp mutex makes RTM_NEWLINK answer EBUSY.
    # One process tears down all its interfaces, each a netdev
    # unregistration the kernel serialises: give it time before SIGKILL.
    # IPv4 alone (noipv6), as the figures on record were measured: with
    # IPv6CP (on by default, as in pppd 2.4.9) each session also adds a
    # link-local address, one more RTNL request.
    SESSIONS=$n start_pair $RPPP $RPPP "noauth noipv6 ifname lns{index}" "noipv6 ifname lac{index}" \
        "--one-process --stop-grace $((30 + n / 4))"
    # A few sessions: poll the kernel every 0.1 s, so that N=1 is one
    # session's setup latency. Many: the logs once a second (below).
    [ "$n" -le 10 ] && wait_for 600 both_up "$n"
    # Give up early when nothing came up for 90 s. Many sessions: follow the
    # logs, then check the kernel once (both_up) when they say all are up.
    waited=0; last=0; still=0
    until { both_logged_up "$n" && both_up "$n"; } || [ $waited -ge $((60 + n)) ] || [ $still -ge 90 ]; do
        sleep 1; waited=$((waited + 1)); still=$((still + 1))
        if [ $((waited % ${RPPP_SCALE_SAMPLE:-15})) = 0 ]; then
            u=$(( $(logged_up $LNS_LOG) + $(logged_up $LAC_LOG) ))
            [ "$u" != "$last" ] && { last=$u; still=0; }
            echo "    t=$(now) up: lns $(logged_up $LNS_LOG) lac $(logged_up $LAC_LOG)" \
                "units: lns $(ip -n lns -o link show | grep -c ': lns') lac $(ip -n lac -o link show | grep -c ': lac')" \
                "EBUSY: $(cat $LNS_LOG $LAC_LOG | grep -c 'EBUSY') ended: $(cat $LNS_LOG $LAC_LOG | grep -c 'ended: exit')" \
                "LCP ConfReq sent: $(cat $LNS_LOG $LAC_LOG | grep -c 'sent \[LCP ConfReq')" \
                "rppp fds/cpu user+sys ticks: $(for p in $(pidof rppp); do echo -n "$(ls /proc/$p/fd | wc -l)/$(awk '{ print $14 "+" $15 }' /proc/$p/stat)/$(awk '{ print $3 }' /proc/$p/stat):$(cat /proc/$p/wchan 2>/dev/null) "; done)" \
                "guest busy/idle ticks: $(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 "/" $5 + $6 }' /proc/stat)"
            # Where the engines are in the kernel (RPPP_SCALE_STACKS=1).
            if [ -n "${RPPP_SCALE_STACKS:-}" ]; then
                for p in $(pidof rppp); do
                    echo "      stack $p: $(head -n 8 /proc/$p/stack 2>/dev/null | sed 's/^\[<[0-9a-f]*>\] //; s/+0x.*//' | tr '\n' ' ')"
                done
            fi
        fi
    done
    grep '^READY' $EV | sed 's/^/    l2tp-static: /'
    if both_up "$n"; then
        t_up=$(elapsed "$t0" "$(now)")
        pass "$n: all $n links up on both sides after $t_up s"
    else
        t_up=-
        fail "$n: all links up (lns $(up_count lns), lac $(up_count lac))"
    fi
    ok=$(ip netns exec lns sh -c '
        ok=0
        while read -r i lt ls ct cs lns_ip lac_ip; do
            ping -c 1 -W 2 "$lac_ip" > /dev/null 2>&1 && ok=$((ok + 1))
        done < '$SESS'
        echo $ok')
    check "$n: ping answered on $ok of $n links" [ "$ok" = "$n" ]
    busy=$(cat $LNS_LOG $LAC_LOG | grep -c 'RTM_NEWLINK .*EBUSY')
    echo "    units created after EBUSY retries: $busy"
    check "$n: every interface carries its name" sh -c "/sbin/ip -n lns -o link show | grep -c ': lns[0-9]*:' | grep -qx $n"
    echo mem 1<>$CTL
    wait_for 300 grep -q '^MEMDONE' $EV
    grep '^MEM side' $OUT
    pss=$(awk '/^MEM side=lns/ { for (i = 1; i <= NF; i++) if ($i ~ /^pss_kib=/) { split($i, p, "="); print p[2] } }' $OUT | head -n 1)
    rss=$(awk '/^MEM side=lns/ { for (i = 1; i <= NF; i++) if ($i ~ /^vmrss_kib=/) { split($i, p, "="); print p[2] } }' $OUT | head -n 1)
    per=$(awk -v p="${pss:-0}" -v n="$n" 'BEGIN { printf "%.1f", p / n }')
    echo "FIGURE rppp-one-process sessions=$n setup_s=$t_up process_vmrss_kib=${rss:-?} process_pss_kib=${pss:-?} pss_per_session_kib=$per"
    [ "$n" = 1 ] && echo "FIGURE rppp-setup-latency one_session_s=$t_up (from starting l2tp-static to both addresses, 0.1 s polling)"
    stop_pair $(( (60 + n / 2) * 10 ))
    check "$n: one process per side, stopped cleanly" grep -q '^DONE engines=2 .*killed=false' $EV
    check "$n: nothing left" wait_for 300 no_ppp_left
    [ $FAILED = $failed_before ] || { echo "----- head of $LNS_LOG"; head -n 60 $LNS_LOG; }
    logs_on_failure $failed_before
done
fi

if want cycles; then
set -- $CYCLES
section "rppp: $1 sessions x $2 rounds of connect/disconnect in one Engine per side"
failed_before=$FAILED
rm -f /tmp/cycles.ctl; mkfifo /tmp/cycles.ctl
t0=$(now)
rppp-cycles --sessions "$1" --rounds "$2" --threads "${3:-0}" --control /tmp/cycles.ctl > /tmp/cycles.out 2>&1 &
CYC=$!
# (A long run says how far it got once a minute.)
i=0
while kill -0 $CYC 2>/dev/null && ! grep -q '^HOLD' /tmp/cycles.out; do
    sleep 1; i=$((i + 1))
    # (With the LEAK and FAIL lines so far: a run killed by its timeout
    # still shows what it found.)
    if [ $((i % 60)) = 0 ]; then
        echo "    t=$(now) $(grep '^ROUND' /tmp/cycles.out | tail -n 1)" \
            "leaks=$(grep -c '^LEAK' /tmp/cycles.out) fails=$(grep -c '^FAIL' /tmp/cycles.out)"
        grep -E '^(LEAK|FAIL)' /tmp/cycles.out | tail -n 3 | sed 's/^/      /'
    fi
done
t_cyc=$(elapsed "$t0" "$(now)")
grep -E '^(ROUND|PHASES|LEAK|FAIL)' /tmp/cycles.out | head -n 80
grep -E '^(FDS|CYCLES)' /tmp/cycles.out
if grep -q '^HOLD' /tmp/cycles.out; then
    check "cycles: every round up and down, no fd, interface or address left" \
        grep -q '^CYCLES .* leaks=0$' /tmp/cycles.out
    check "cycles: no round failed" sh -c "! grep -q '^FAIL' /tmp/cycles.out"
    tunnels=$(ip -n lns l2tp show tunnel; ip -n lac l2tp show tunnel)
    # (Session 0 of each tunnel is its management socket's.)
    sessions=$({ ip -n lns l2tp show session; ip -n lac l2tp show session; } | grep '^Session' | grep -v '^Session 0 in')
    echo "$tunnels" | grep -i tunnel | sed 's/^/    /'
    check "cycles: the tunnels are still there" sh -c "echo '$tunnels' | grep -q 'Tunnel 700' && echo '$tunnels' | grep -q 'Tunnel 800'"
    check "cycles: no kernel session is left" [ -z "$sessions" ]
    [ -z "$sessions" ] || echo "$sessions" | head -n 20
    echo go > /tmp/cycles.ctl
fi
wait $CYC; rc=$?
check "cycles: rppp-cycles exited with 0" [ $rc = 0 ]
c=$(sed -n 's/^CYCLES .*cycles=\([0-9]*\).*fds_start=\([0-9]*\) fds_end=\([0-9]*\).*/\1 \2 \3/p' /tmp/cycles.out)
set -- $c
echo "FIGURE rppp-cycles cycles=${1:-?} guest_s=$t_cyc fds_start=${2:-?} fds_end=${3:-?}"
check "cycles: nothing left" wait_for 50 no_ppp_left
[ $FAILED = $failed_before ] || tail -n 60 /tmp/cycles.out
fi

netns_down

section "rppp: $FAILED failed checks"
[ $FAILED = 0 ]
