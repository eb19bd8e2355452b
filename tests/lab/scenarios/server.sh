# Scenario: rppp as a server an operator runs (issue #17): one `rppp
# l2tpd` LNS process holding SERVER_SESSIONS (1000) PPP sessions, driven
# with `rppp ctl` over its control socket and watched through its metrics.
#
# netns lns (10.200.0.1): `rppp l2tpd --lns`, CHAP required (options.lns,
#   chap-secrets), --ctl $CTL, --metrics 127.0.0.1:9469 (in netns lns).
# netns lac (10.200.0.2): two rppp l2tpd LACs, so that a few sessions have
#   users of their own:
#   - "big": flag form, one tunnel of N-2 calls as user lac;
#   - "named": xl2tpd.conf with [lac alice] and [lac bob] (autodial, one
#     call each) and [lac carol] (dialled through its control pipe).
# Checks, in order:
#   1. all N sessions up on both sides;
#   2. `rppp ctl show sessions --json` lists N sessions, each with the
#      peer's address, N-2 of user lac, one of alice and one of bob;
#   3. the metrics agree with the table (sessions in phase network, CHAP
#      sessions, L2TP sessions, established tunnels);
#   4. `terminate user alice` and `terminate ip <bob's address>`: both
#      sessions end (reason admin in the metrics), their interfaces go on
#      both sides, nothing else ends, and the metrics follow the table;
#   5. reload: carol dials with a secret the LNS's chap-secrets does not
#      have yet (refused: an auth failure in the metrics); chap-secrets is
#      changed and `rppp ctl reload` answers; carol dials again and comes
#      up with the new secret, while every other session stayed up;
#   6. `shutdown --soft`: the sessions stay up, a new call (alice again) is
#      refused with a CDN and counted (rppp_l2tp_refused_total
#      {reason="shutting_down"}); `terminate all` ends them, then the LNS
#      closes its tunnels (StopCCN) and exits 0 by itself; nothing is left
#      on either side once the LACs are stopped.
. /lab/lib.sh
RPPP=/lab/bin/rppp
N=${SERVER_SESSIONS:-1000}
BIG=$((N - 2))
CTL=/run/rppp-lns.ctl
LNS_LOG=/tmp/rppp-lns.log
BIG_LOG=/tmp/rppp-lac-big.log
NAMED_LOG=/tmp/rppp-lac-named.log
NAMED_PIPE=/run/rppp-lac-named.pipe
LNS_PPP_IP=10.209.0.1
ENGINE_NAMES="pppd.real"

links_up() { ip netns exec "$1" cat /proc/net/route | awk '$1 ~ /^ppp/' | wc -l; }
links_are() { [ "$(links_up "$1")" = "$2" ]; }
lns_listening() { ip netns exec lns cat /proc/net/udp | grep -q ':06A5 '; }
pid_gone() { [ ! -e /proc/$1 ] || grep -q '^[0-9]* ([^)]*) Z' /proc/$1/stat 2>/dev/null; }
ctl() { $RPPP ctl --socket $CTL "$@"; }
scrape() { ip netns exec lns wget -q -O /tmp/metrics.out http://127.0.0.1:9469/metrics 2>/dev/null; }
# metric <line prefix>: the value of the first sample that starts so.
metric() { awk -v p="$1" 'index($0, p) == 1 { print $NF; exit }' /tmp/metrics.out; }
# The LNS's sessions as one JSON row per line: {"id":..,"ifname":..,"user":..,"ip":..}
rows() { ctl show sessions id ifname user ip --json | tr '}' '\n' | grep '"id"'; }
row_of() { rows | grep "\"user\":\"$1\""; }
# (Functions, not `sh -c`: in a child shell `ip` is busybox's, which has
# no `netns exec`.)
metrics_match() { ip netns exec lns wget -q -O - http://127.0.0.1:9469/metrics 2>/dev/null | grep -q "$1"; }
# no_tunnels <netns>: the kernel answers, and lists no L2TP tunnel.
no_tunnels() { out=$(ip netns exec "$1" /sbin/ip l2tp show tunnel) && ! echo "$out" | grep -q '^Tunnel'; }
not_listed() { out=$(ctl show sessions user) && ! echo "$out" | grep -Eq "$1"; }
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
dump_on_failure() {
    [ $FAILED = "$1" ] && return
    for f in $LNS_LOG $BIG_LOG $NAMED_LOG; do
        echo "----- $f (head, tail)"; head -n 30 $f; echo ...; tail -n 60 $f
    done
    dump_kernel_log
}

write_configs() {
    printf '# client server secret addresses\nlac * s3cret *\nalice * s3cret *\nbob * s3cret *\ncarol * old *\n' \
        > /etc/ppp/chap-secrets
    chmod 600 /etc/ppp/chap-secrets
    # IPv4 alone (noipv6): with IPv6CP each link also adds a link-local
    # address, one more RTNL request per session.
    cat > /etc/ppp/options.lns <<CONF
auth
require-chap
name lns
noccp
noipv6
nodefaultroute
mtu 1400
mru 1400
CONF
    for user in lac alice bob carol; do
        secret=s3cret; [ $user = carol ] && secret=new
        cat > /etc/ppp/options.$user <<CONF
noauth
user $user
password $secret
noccp
noipv6
noipdefault
ipcp-accept-local
ipcp-accept-remote
nodefaultroute
mtu 1400
mru 1400
CONF
    done
    cat > /etc/xl2tpd/named.conf <<CONF
[global]
listen-addr = $LAC_UNDERLAY
port = 1702

[lac alice]
lns = $LNS_UNDERLAY
autodial = yes
pppoptfile = /etc/ppp/options.alice

[lac bob]
lns = $LNS_UNDERLAY
autodial = yes
pppoptfile = /etc/ppp/options.bob

[lac carol]
lns = $LNS_UNDERLAY
autodial = no
pppoptfile = /etc/ppp/options.carol
CONF
}

netns_up || fail "underlay veth between netns lns and lac"
mkdir -p /etc/xl2tpd /run
write_configs
failed_before=$FAILED

section "server: $N sessions in one rppp l2tpd LNS"
rm -f /tmp/rc-lns
ip netns exec lns sh -c "$RPPP l2tpd --listen $LNS_UNDERLAY:1701 --lns --hostname lns \
    --local-ip $LNS_PPP_IP --ip-range 10.209.0.2-10.209.15.254 --ppp-options /etc/ppp/options.lns \
    --hello 10 --ctl $CTL --metrics 127.0.0.1:9469 -C /run/rppp-lns.pipe > $LNS_LOG 2>&1; echo \$? > /tmp/rc-lns" &
wait_for 50 lns_listening
LNS_PID=$(pidof rppp)
# (Each through sh, which writes its exit code; killed by the PID rppp
# writes, -p.)
rm -f /tmp/rc-big /tmp/rc-named /tmp/lac-big.pid /tmp/lac-named.pid
ip netns exec lac sh -c "$RPPP l2tpd --listen $LAC_UNDERLAY:1701 --hostname lac --ppp-options /etc/ppp/options.lac \
    --hello 10 --calls $BIG --lac $LNS_UNDERLAY -C /run/rppp-lac-big.pipe --ctl /run/rppp-lac-big.ctl \
    -p /tmp/lac-big.pid > $BIG_LOG 2>&1; echo \$? > /tmp/rc-big" &
ip netns exec lac sh -c "$RPPP l2tpd -c /etc/xl2tpd/named.conf -C $NAMED_PIPE --ctl /run/rppp-lac-named.ctl \
    -p /tmp/lac-named.pid > $NAMED_LOG 2>&1; echo \$? > /tmp/rc-named" &
wait_for 100 test -s /tmp/lac-big.pid
wait_for 100 test -s /tmp/lac-named.pid
BIG_PID=$(cat /tmp/lac-big.pid); NAMED_PID=$(cat /tmp/lac-named.pid)
t0=$(now)
waited=0; still=0; last=-1
until links_are lns $N && links_are lac $N; do
    [ $waited -ge 400 ] || [ $still -ge 90 ] && break
    l=$(links_up lns); c=$(links_up lac)
    [ $((l + c)) != "$last" ] && { last=$((l + c)); still=0; }
    [ $((waited % 15)) = 14 ] && echo "    t=$(now) links up: lns $l lac $c"
    sleep 1; waited=$((waited + 1)); still=$((still + 1))
done
if links_are lns $N && links_are lac $N; then
    t_up=$(elapsed "$t0" "$(now)")
    pass "all $N sessions up on both sides after $t_up s"
    pss=$(awk '/^Pss:/ { print $2 }' /proc/$LNS_PID/smaps_rollup)
    echo "FIGURE server-lns sessions=$N setup_s=$t_up pss_kib=$pss pss_per_session_kib=$(awk -v p="$pss" -v n=$N 'BEGIN { printf "%.1f", p / n }')"
else
    fail "all $N sessions up (lns $(links_up lns), lac $(links_up lac))"
fi

section "server: rppp ctl show sessions and the metrics"
rows > /tmp/rows
check "show sessions --json lists $N sessions ($(wc -l < /tmp/rows))" [ "$(wc -l < /tmp/rows)" = $N ]
with_ip=$(grep -c '"ip":"10\.209\.' /tmp/rows)
check "each with the peer's address ($with_ip)" [ "$with_ip" = $N ]
check "$BIG of user lac" [ "$(grep -c '"user":"lac"' /tmp/rows)" = $BIG ]
check "one of alice and one of bob" \
    sh -c "[ \$(grep -c '\"user\":\"alice\"' /tmp/rows) = 1 ] && [ \$(grep -c '\"user\":\"bob\"' /tmp/rows) = 1 ]"
# The same rows as the aligned table.
table=$(ctl show sessions ifname user ip | tail -n +2 | wc -l)
check "the table has the same $N rows ($table)" [ "$table" = $N ]
# The metrics are published once a second: give them two.
sleep 2
scrape
network=$(metric 'rppp_sessions{state="network"}')
chap=$(metric 'rppp_sessions_by_auth_method{method="chap-md5"}')
echo "    metrics: network=$network chap-md5=$chap l2tp sessions=$(metric 'rppp_l2tp_sessions ')" \
    "tunnels established=$(metric 'rppp_l2tp_tunnels{state="established"}')"
check "metrics: $N sessions in phase network, as the table" [ "$network" = $N ]
check "metrics: $N sessions authenticated with CHAP-MD5" [ "$chap" = $N ]
check "metrics: $N L2TP sessions" [ "$(metric 'rppp_l2tp_sessions ')" = $N ]
check "metrics: 3 established tunnels (big, alice, bob)" [ "$(metric 'rppp_l2tp_tunnels{state="established"}')" = 3 ]
if command -v promtool > /dev/null; then
    check "promtool check metrics" sh -c "promtool check metrics < /tmp/metrics.out"
fi

section "server: terminate by user and by IP"
alice_if=$(row_of alice | field ifname); bob_ip=$(row_of bob | field ip)
bob_if=$(row_of bob | field ifname)
echo "    alice on $alice_if, bob on $bob_if at $bob_ip"
check "terminate user alice" sh -c "$RPPP ctl --socket $CTL terminate user alice | grep -q 'terminating 1 session'"
check "terminate ip $bob_ip" sh -c "$RPPP ctl --socket $CTL terminate ip $bob_ip | grep -q 'terminating 1 session'"
check "alice's interface $alice_if goes" wait_for 100 sh -c "! /sbin/ip -n lns link show $alice_if > /dev/null 2>&1"
check "bob's interface $bob_if goes" wait_for 100 sh -c "! /sbin/ip -n lns link show $bob_if > /dev/null 2>&1"
check "the LAC's two interfaces go too" wait_for 100 links_are lac $((N - 2))
check "no other session ended: $((N - 2)) rows" [ "$(rows | wc -l)" = $((N - 2)) ]
check "neither alice nor bob is listed" not_listed 'alice|bob'
sleep 2; scrape
check "metrics: $((N - 2)) in phase network, as the table" [ "$(metric 'rppp_sessions{state="network"}')" = $((N - 2)) ]
check "metrics: 2 sessions ended by an administrator" [ "$(metric 'rppp_sessions_ended_total{reason="admin"}')" = 2 ]
nobody=$(ctl terminate user nobody 2>&1); rc=$?
check "terminate of a user that is not there is an error ($nobody)" sh -c "[ $rc = 1 ] && echo '$nobody' | grep -q 'no session matches'"

section "server: reload with a changed secret"
echo "c carol" > $NAMED_PIPE
check "carol, whose secret the LNS does not know yet, is refused" \
    wait_for 300 metrics_match '^rppp_auth_failures_total{method="chap-md5"} 1$'
sed -i 's/^carol \* old \*$/carol * new */' /etc/ppp/chap-secrets
check "rppp ctl reload answers" sh -c "$RPPP ctl --socket $CTL reload > /tmp/reload.out 2>&1"
sed 's/^/    /' /tmp/reload.out
echo "c carol" > $NAMED_PIPE
check "carol comes up with the new secret" wait_for 300 sh -c "$RPPP ctl --socket $CTL show sessions user ip user=carol | grep -q '10\.209\.'"
check "every other session stayed up: $((N - 1)) sessions" [ "$(rows | wc -l)" = $((N - 1)) ]
sleep 2; scrape
ended=$(awk '/^rppp_sessions_ended_total/ { n += $NF } END { print n + 0 }' /tmp/metrics.out)
check "metrics: 3 sessions ended in all (2 terminated, carol's refused), got $ended" [ "$ended" = 3 ]

section "server: shutdown --soft"
$RPPP ctl --socket $CTL shutdown --soft > /tmp/shutdown.out 2>&1; rc=$?
sed 's/^/    /' /tmp/shutdown.out
check "rppp ctl shutdown --soft answers" sh -c "[ $rc = 0 ] && grep -q 'shutting down softly' /tmp/shutdown.out"
sleep 3
check "the sessions stay up: $((N - 1))" [ "$(rows | wc -l)" = $((N - 1)) ]
echo "c alice" > $NAMED_PIPE
check "a new call is refused and counted" \
    wait_for 200 metrics_match '^rppp_l2tp_refused_total{reason="shutting_down"} [1-9]'
check "and did not come up" [ "$(rows | wc -l)" = $((N - 1)) ]
t0=$(now)
check "terminate all" sh -c "$RPPP ctl --socket $CTL terminate all > /dev/null"
if wait_for 1800 pid_gone "$LNS_PID"; then
    pass "the LNS exits by itself once the sessions are gone, after $(elapsed "$t0" "$(now)") s"
else
    fail "the LNS exits by itself once the sessions are gone"
    kill "$LNS_PID"
    wait_for 600 pid_gone "$LNS_PID"
fi
wait_for 50 test -s /tmp/rc-lns
check "with exit code 0 ($(cat /tmp/rc-lns 2>/dev/null))" [ "$(cat /tmp/rc-lns 2>/dev/null)" = 0 ]
check "it closed its tunnels (StopCCN acknowledged)" sh -c "! grep -q 'StopCCN not acknowledged' $LNS_LOG"
check "no PPP interface left in netns lns" links_are lns 0
check "no kernel tunnel left in netns lns" no_tunnels lns
check "the LACs' sessions ended" wait_for 300 links_are lac 0
echo "    before SIGTERM: big LAC $(grep -E '^(State|Threads)' /proc/$BIG_PID/status 2>/dev/null | tr -s '\t\n' '  ')" \
    "kernel tunnels in lac: $(ip netns exec lac /sbin/ip l2tp show tunnel | grep -c '^Tunnel')"
kill $BIG_PID $NAMED_PID
wait_for 600 sh -c "test -s /tmp/rc-big && test -s /tmp/rc-named"
big_rc=$(cat /tmp/rc-big 2>/dev/null); named_rc=$(cat /tmp/rc-named 2>/dev/null)
check "the LACs exit 0 on SIGTERM (big $big_rc, named $named_rc)" [ "$big_rc:$named_rc" = 0:0 ]
check "no kernel tunnel left in netns lac" wait_for 100 no_tunnels lac
grep -E 'refused|shutdown|soft' $LNS_LOG | head -n 5 | sed 's/^/    lns: /'
dump_on_failure $failed_before

netns_down
section "server: $FAILED failed checks"
[ $FAILED = 0 ]
