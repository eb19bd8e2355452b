# Scenario: rppp on the real kernel, through l2tp-static's static sessions.
# - interop: rppp as the LNS against real pppd, real pppd as the LNS against
#   rppp, and rppp on both ends, for noauth, PAP, CHAP-MD5 and MS-CHAPv2:
#   addresses, the negotiated authentication, ping both ways, the
#   PPPIOCGL2TPSTATS counters rppp logs at the end, a clean stop and
#   nothing left behind;
# - ifname honoured; an ifname that already exists is a clear error with
#   nothing left; SIGKILL leaves no interface; the interface MTU is
#   min(peer's MRU, mtu); IPv6CP from a peer while IPv6 is off is
#   Protocol-Rejected and no IPv6 address appears;
# - scale: N sessions in one rppp process on each side (--one-process):
#   all up, one ping per link, memory per session, clean stop.
. /lab/lib.sh
RPPP=/lab/bin/rppp
PPPD=/usr/sbin/pppd.real
CTL=/tmp/rppp.ctl
EV=/tmp/rppp.events
SESS=/tmp/rppp.sessions
OUT=/tmp/rppp.out
LNS_LOG=/tmp/rppp-lns.log
LAC_LOG=/tmp/rppp-lac.log
SCALE=${RPPP_SCALE_COUNTS:-300}
# Which parts run (RPPP_PARTS, default all): interop ifname taken kill mtu ipv6 scale
PARTS=${RPPP_PARTS:-interop ifname taken kill mtu ipv6 scale}
want() { case " $PARTS " in *" $1 "*) return 0;; esac; return 1; }
ENGINE_NAMES="pppd.real rppp"

[ -e /usr/sbin/pppd.real ] || mv /usr/sbin/pppd /usr/sbin/pppd.real
printf '# client server secret addresses\nlac lns s3cret *\n' > /etc/ppp/chap-secrets
cp /etc/ppp/chap-secrets /etc/ppp/pap-secrets
chmod 600 /etc/ppp/chap-secrets /etc/ppp/pap-secrets

up_count() { ip -n "$1" -o -4 addr show 2>/dev/null | awk '$2 !~ /^(lo|veth)/' | wc -l; }
both_up() { [ "$(up_count lns)" = "$1" ] && [ "$(up_count lac)" = "$1" ]; }
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
    echo stop > $CTL
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

if want mtu; then
section "rppp: MTU and MRU"
failed_before=$FAILED
start_pair $RPPP $PPPD "noauth mtu 1400 mru 1300" "mtu 1450 mru 1280"
wait_for 300 both_up 1
set -- $(cat $SESS)
# rppp's interface MTU is min(peer's MRU 1280, mtu 1400).
check "the rppp interface MTU is min(peer MRU, mtu) = 1280" sh -c "/sbin/ip -n lns link show | grep -q 'mtu 1280 '"
check "a ping of 1280 octets crosses" ip netns exec lns ping -c 1 -W 2 -s 1252 "$7"
stop_pair
check "MTU: nothing left" wait_for 50 no_ppp_left
logs_on_failure $failed_before
fi

if want ipv6; then
section "rppp: IPv6CP from a peer while IPv6 is off"
failed_before=$FAILED
start_pair $RPPP $PPPD "noauth" "+ipv6"
wait_for 300 both_up 1
check "rppp Protocol-Rejects IPv6CP" wait_for 100 grep -q 'sent \[LCP ProtRej.*proto=0x8057\|sent \[LCP ProtRej' $LNS_LOG
check "no global or link-local IPv6 address on rppp's interface" \
    sh -c "! /sbin/ip -n lns -o -6 addr show | grep -v ' lo \| veth' | grep -q inet6"
stop_pair
check "IPv6: nothing left" wait_for 50 no_ppp_left
logs_on_failure $failed_before
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
    SESSIONS=$n start_pair $RPPP $RPPP "noauth ifname lns{index}" "ifname lac{index}" \
        "--one-process --stop-grace $((30 + n / 4))"
    # Poll once a second: listing thousands of addresses is not free on
    # an emulated CPU that the engines need.
    waited=0
    until both_up "$n" || [ $waited -ge $((60 + n)) ]; do
        sleep 1; waited=$((waited + 1))
        [ $((waited % 15)) = 0 ] && echo "    t=$(now) up: lns $(up_count lns) lac $(up_count lac)"
    done
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
    echo mem > $CTL
    wait_for 300 grep -q '^MEMDONE' $EV
    grep '^MEM side' $OUT
    pss=$(awk '/^MEM side=lns/ { for (i = 1; i <= NF; i++) if ($i ~ /^pss_kib=/) { split($i, p, "="); print p[2] } }' $OUT | head -n 1)
    rss=$(awk '/^MEM side=lns/ { for (i = 1; i <= NF; i++) if ($i ~ /^vmrss_kib=/) { split($i, p, "="); print p[2] } }' $OUT | head -n 1)
    per=$(awk -v p="${pss:-0}" -v n="$n" 'BEGIN { printf "%.1f", p / n }')
    echo "FIGURE rppp-one-process sessions=$n setup_s=$t_up process_vmrss_kib=${rss:-?} process_pss_kib=${pss:-?} pss_per_session_kib=$per"
    stop_pair $(( (60 + n / 2) * 10 ))
    check "$n: one process per side, stopped cleanly" grep -q '^DONE engines=2 .*killed=false' $EV
    check "$n: nothing left" wait_for 300 no_ppp_left
    logs_on_failure $failed_before
done
fi

netns_down

section "rppp: $FAILED failed checks"
[ $FAILED = 0 ]
