# Scenario: the router build of rppp (issue #19: `--profile router
# --features router`, statically linked, stripped) as an embedded router
# runs it: `rppp l2tpd` dialling an ISP's LNS as the LAC, against real,
# unmodified xl2tpd with the real pppd as the LNS.
#
# Each run (ROUTER_ENGINES: router, then full, the default build, for the
# comparison): xl2tpd in netns lns requires CHAP-MD5 and gives two DNS
# servers (`ms-dns`); rppp l2tpd -c lac.conf in netns lac dials at once
# (autodial) with `usepeerdns`, without the control socket or metrics.
# Checks: PPP up on both sides with the addresses the LNS gave; ping both
# ways; `defaultroute` (the LAC's default route through its PPP interface,
# gone after the stop) and `+ipv6` (the LAC's link-local address, ping -6
# to the LNS's), which the router build sets with pppd's ioctls rather
# than rtnetlink; the LNS's pppd saw CHAP succeed; /etc/ppp/resolv.conf holds
# exactly the LNS's two nameservers, mode 0644 (for the router build
# through OpenWrt's link to /tmp/resolv.conf.ppp); SIGTERM to rppp: it exits
# 0 within 3 s, xl2tpd got the CDN and the StopCCN, and no PPP interface,
# pppd or kernel tunnel is left. Before the runs: what the router build
# leaves out (`rppp l2tpd --ctl`, `--metrics`, `rppp ctl`, `plugin
# radius.so`, `proxyarp`) is refused with exit 2 and a message naming it.
# Figures (FIGURE lines): the cold start (from exec to the LAC's PPP
# interface up, 0.1 s polling) and the VmRSS and PSS of rppp with the one
# session up, for each build. The runs alternate between the builds for
# ROUTER_ROUNDS rounds (default 3), and the router build's median cold
# start must be no slower than the full build's (emulation's timing is
# noisy: 10 % and 0.3 s of slack). The router build's VmRSS must stay
# under ROUTER_RSS_MAX_KIB (default 1536, the issue's 1.5 MB).
. /lab/lib.sh
ENGINES=${ROUTER_ENGINES:-router full}
ROUNDS=${ROUTER_ROUNDS:-3}
LNS_PPP_IP=10.205.0.1
LAC_PPP_IP=10.205.0.2
DNS1=192.0.2.53
DNS2=198.51.100.53
RPPP_LOG=/tmp/rppp-router.log
RPPP_RC=/tmp/rppp-router.rc
RPPP_PID=/tmp/rppp-router.pid
RESOLV=/etc/ppp/resolv.conf

no_pppd_left() { [ -z "$(pidof pppd.real)" ]; }
lns_listening() { ip netns exec lns cat /proc/net/udp | grep -q ':06A5 '; }
lac_up() { [ -n "$(ppp_if lac)" ]; }
rppp_done() { [ -s $RPPP_RC ]; }
has_l2tp() {  # has_l2tp <netns> tunnel|session
    ip netns exec "$1" /sbin/ip l2tp show "$2" | grep -qi "^$2 "
}
mem_of() {  # mem_of <pid>: "vmrss_kib pss_kib"
    r=$(awk '/^VmRSS:/ { print $2 }' /proc/$1/status 2>/dev/null)
    p=$(awk '/^Pss:/ { s += $2 } END { print s + 0 }' /proc/$1/smaps_rollup 2>/dev/null)
    echo "${r:-?} ${p:-?}"
}

write_configs() {
    printf '# client server secret addresses\nlac * s3cret *\n' > /etc/ppp/chap-secrets
    chmod 600 /etc/ppp/chap-secrets
    cat > /etc/xl2tpd/lns.conf <<CONF
[global]
listen-addr = $LNS_UNDERLAY
port = 1701
access control = no

[lns default]
ip range = $LAC_PPP_IP-10.205.0.9
local ip = $LNS_PPP_IP
require authentication = yes
require chap = yes
refuse pap = yes
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

[lac isp]
lns = $LNS_UNDERLAY
autodial = yes
redial = no
require authentication = no
name = lac
pppoptfile = /etc/ppp/options.lac
length bit = yes
CONF
    cat > /etc/ppp/options.lns <<CONF
require-chap
name lns
logfile /tmp/ppp-lns.log
debug
noccp
nodefaultroute
ms-dns $DNS1
ms-dns $DNS2
+ipv6
lcp-restart 1
CONF
    # What a router's ISP profile holds: the user, the peer's DNS.
    cat > /etc/ppp/options.lac <<CONF
name lac
noauth
noccp
noipdefault
ipcp-accept-local
ipcp-accept-remote
defaultroute
usepeerdns
+ipv6
lcp-restart 1
CONF
}

run_one() {  # run_one <engine: router|full>
    engine=$1; tag="router: $engine build"
    case $engine in
        router) bin=/lab/bin/rppp-router;;
        *) bin=/lab/bin/rppp;;
    esac
    failed_before=$FAILED
    section "$tag: setup"
    rm -f /tmp/ppp-*.log /tmp/xl2tpd.log $RPPP_LOG $RPPP_RC $RPPP_PID $RESOLV /tmp/resolv.conf.ppp
    # The router build gets OpenWrt's layout: resolv.conf a link into
    # /tmp (RAM), whose target does not exist yet.
    [ "$engine" = router ] && ln -s /tmp/resolv.conf.ppp $RESOLV
    write_configs
    check "underlay veth between netns lns and lac" netns_up || return
    /sbin/ip netns exec lns xl2tpd -D -c /etc/xl2tpd/lns.conf -p /run/xl2tpd/x.pid \
        -C /run/xl2tpd/x-control > /tmp/xl2tpd.log 2>&1 &
    XL2TPD_PID=$!
    wait_for 50 lns_listening
    t0=$(now)
    /sbin/ip netns exec lac sh -c "$bin l2tpd -c /etc/xl2tpd/lac.conf -D -p $RPPP_PID > $RPPP_LOG 2>&1; echo \$? > $RPPP_RC" &
    if wait_for 400 lac_up; then
        t_up=$(elapsed "$t0" "$(now)")
        pass "$tag: the LAC's PPP interface up after $t_up s"
    else
        t_up=?
        fail "$tag: the LAC's PPP interface up within 40 s"
    fi
    check "$tag: PPP up on the LNS too" wait_for 100 both_up

    section "$tag: checks"
    set -- $(ppp_if lns); lns="${2:-} ${3:-}"
    set -- $(ppp_if lac); lac="${2:-} ${3:-}"
    check "$tag: LNS addresses $LNS_PPP_IP peer $LAC_PPP_IP ($lns)" [ "$lns" = "$LNS_PPP_IP $LAC_PPP_IP" ]
    check "$tag: LAC addresses $LAC_PPP_IP peer $LNS_PPP_IP ($lac)" [ "$lac" = "$LAC_PPP_IP $LNS_PPP_IP" ]
    check "$tag: ping LAC -> LNS over PPP" ip netns exec lac ping -c 3 -i 0.2 -W 3 -q $LNS_PPP_IP
    check "$tag: ping LNS -> LAC over PPP" ip netns exec lns ping -c 3 -i 0.2 -W 3 -q $LAC_PPP_IP
    check "$tag: kernel session in lac (rppp)" has_l2tp lac session
    set -- $(ppp_if lac); lac_if=${1:-none}
    check "$tag: defaultroute: the LAC's default route is through $lac_if ($(ip -n lac route show default | head -n 1))" \
        sh -c "/sbin/ip -n lac route show default | grep -q 'dev $lac_if'"
    lns_ll=$(ip -n lns -6 -o addr show scope link 2>/dev/null | awk '$2 ~ /^ppp/ { split($4, a, "/"); print a[1]; exit }')
    lac_ll=$(ip -n lac -6 -o addr show dev "$lac_if" scope link 2>/dev/null | awk '{ split($4, a, "/"); print a[1]; exit }')
    check "$tag: IPv6CP: the LAC's $lac_if has its link-local address (${lac_ll:-none})" [ -n "$lac_ll" ]
    check "$tag: ping -6 LAC -> LNS's link-local ${lns_ll:-none} over PPP" \
        ip netns exec lac ping -6 -c 3 -i 0.2 -W 3 -q "${lns_ll:-::}%$lac_if"
    check "$tag: the LNS's pppd required CHAP and it succeeded" grep -q 'sent \[CHAP Success' /tmp/ppp-lns.log
    check "$tag: no PPP secret in rppp's log" sh -c "! grep -q s3cret $RPPP_LOG"
    printf 'nameserver %s\nnameserver %s\n' $DNS1 $DNS2 > /tmp/resolv.expected
    check "$tag: usepeerdns wrote $RESOLV: $(tr '\n' ' ' < $RESOLV 2>/dev/null)" cmp -s /tmp/resolv.expected $RESOLV
    check "$tag: $RESOLV has mode 0644 ($(stat -L -c %a $RESOLV 2>/dev/null))" [ "$(stat -L -c %a $RESOLV 2>/dev/null)" = 644 ]
    check "$tag: and nothing else beside it" [ -z "$(ls -A /etc/ppp /tmp | grep '^\.resolv')" ]
    if [ "$engine" = router ]; then
        check "$tag: OpenWrt's link $RESOLV -> /tmp/resolv.conf.ppp is still a link" [ -L $RESOLV ]
        check "$tag: and its target holds the nameservers" cmp -s /tmp/resolv.expected /tmp/resolv.conf.ppp
    fi
    p=$(cat $RPPP_PID 2>/dev/null)
    check "$tag: rppp runs (pid ${p:-none})" [ -n "$p" ]
    # The session settles (echoes, scripts) before the memory is read.
    sleep 1
    set -- $(mem_of "${p:-0}")
    rss=${1:-?}; pss=${2:-?}
    echo "FIGURE router engine=$engine cold_start_to_ipcp_up_s=$t_up rss_kib=$rss pss_kib=$pss (one session, VmRSS, guest TCG)"
    echo "$engine $t_up $rss $pss" >> /tmp/router-figures
    # Where the resident memory is: by mapping, and the threads.
    echo "    $engine: $(ls /proc/${p:-0}/task 2>/dev/null | wc -l) thread(s); resident KiB by mapping:"
    awk '/^[0-9a-f]+-[0-9a-f]+ / { n = ($6 == "" ? "[anon]" : $6) } /^Rss:/ { r[n] += $2 }
         END { for (n in r) if (r[n] > 0) printf "      %6d %s\n", r[n], n }' /proc/${p:-0}/smaps 2>/dev/null | sort -rn | head -n 8
    if [ "$engine" = router ]; then
        max=${ROUTER_RSS_MAX_KIB:-1536}
        check "$tag: VmRSS $rss KiB <= $max KiB" [ "$rss" -le "$max" ]
    fi

    section "$tag: SIGTERM to rppp"
    t_stop=$(now)
    [ -n "$p" ] && kill -TERM "$p"
    check "$tag: rppp exits" wait_for 150 rppp_done
    took=$(elapsed "$t_stop" "$(now)")
    check "$tag: rppp stopped within 3 s (took $took s)" awk -v t="$took" 'BEGIN { exit !(t < 3) }'
    check "$tag: rppp exited 0 (got $(cat $RPPP_RC 2>/dev/null))" [ "$(cat $RPPP_RC 2>/dev/null)" = 0 ]
    check "$tag: xl2tpd received the CDN" wait_for 50 grep -q 'Connection closed to .*, serial' /tmp/xl2tpd.log
    check "$tag: xl2tpd received the StopCCN" wait_for 50 grep -q 'Connection closed to .*, port' /tmp/xl2tpd.log
    check "$tag: the LNS's pppd exited" wait_for 100 no_pppd_left
    check "$tag: every PPP interface is gone" wait_for 50 no_ppp_left
    check "$tag: every kernel tunnel is gone" wait_for 50 no_tunnel_left
    check "$tag: no default route left in lac" [ -z "$(ip -n lac route show default)" ]
    check "$tag: no rppp left" [ -z "$(pidof $(basename $bin))" ]

    kill "$XL2TPD_PID" 2>/dev/null
    wait_for 30 no_pppd_left
    for q in $XL2TPD_PID $(pidof pppd.real); do kill -9 "$q" 2>/dev/null; done
    if [ $FAILED != "$failed_before" ]; then
        section "$tag: logs (FAILED)"
        dump_files $RPPP_LOG /tmp/xl2tpd.log /tmp/ppp-lns.log
        dump_kernel_log
    fi
    netns_down
}

# What the router build leaves out is refused, naming it (exit 2, pppd's
# option error), never ignored.
refused() {  # refused <feature> <args>...: exit 2 and a message naming it
    feature=$1; shift
    /lab/bin/rppp-router "$@" > /tmp/refused.out 2>&1
    rc=$?
    [ $rc = 2 ] && grep -q "$feature" /tmp/refused.out
}
left_out_checks() {
    section "router: what the router build leaves out"
    refused "feature ctl" l2tpd --ctl /run/rppp.ctl; r=$?
    check "router build: rppp l2tpd --ctl is refused: $(head -n 1 /tmp/refused.out)" [ $r = 0 ]
    refused "feature metrics" l2tpd --metrics 127.0.0.1:9469; r=$?
    check "router build: rppp l2tpd --metrics is refused: $(head -n 1 /tmp/refused.out)" [ $r = 0 ]
    refused "feature ctl" ctl show sessions; r=$?
    check "router build: rppp ctl is refused: $(head -n 1 /tmp/refused.out)" [ $r = 0 ]
    refused "without RADIUS" plugin pppol2tp.so pppol2tp 99 plugin radius.so nodetach; r=$?
    check "router build: plugin radius.so is refused: $(head -n 1 /tmp/refused.out)" [ $r = 0 ]
    refused "no proxy ARP" plugin pppol2tp.so pppol2tp 99 proxyarp nodetach; r=$?
    check "router build: proxyarp is refused: $(head -n 1 /tmp/refused.out)" [ $r = 0 ]
}

install_engine_wrapper
mkdir -p /run/xl2tpd /etc/xl2tpd /var/run/xl2tpd
case " $ENGINES " in *" router "*) left_out_checks;; esac
: > /tmp/router-figures
round=1
while [ $round -le "$ROUNDS" ]; do
    section "router: round $round of $ROUNDS"
    for e in $ENGINES; do run_one "$e"; done
    round=$((round + 1))
done
median() {  # median <engine> <column>: of the runs that came up
    awk -v e="$1" -v c="$2" '$1 == e && $c != "?" { print $c }' /tmp/router-figures | sort -n |
        awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
for e in $ENGINES; do
    echo "FIGURE router-median engine=$e runs=$(grep -c "^$e " /tmp/router-figures) cold_start_to_ipcp_up_s=$(median $e 2) rss_kib=$(median $e 3) pss_kib=$(median $e 4)"
done
r=$(median router 2); f=$(median full 2)
if [ -n "$r" ] && [ -n "$f" ]; then
    check "router: median cold start to IPCP up no slower than the full build's (router $r s, full $f s)" \
        awk -v r="$r" -v f="$f" 'BEGIN { exit !(r <= f * 1.1 + 0.3) }'
fi
[ $FAILED = 0 ]
