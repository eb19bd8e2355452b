# Scenario: the datagrams a PPP engine sends to openl2tpd's event socket.
# The LNS engine runs with pppd's openl2tp.so plugin (rppp has it built in)
# on a static session (l2tp-static, tunnel 100, session 1, interface ppp0,
# PAP as user "lac", IPv6CP off so the order of events is fixed); event-listen
# binds /tmp/openl2tp-event.sock in openl2tpd's place. Expected: an ACCM
# indication and an "up" indication while the link comes up, a "down"
# indication when the LAC stops. pppd does not clear the padding after each
# TLV (it holds stack garbage), so the comparisons use the datagrams with
# their padding zeroed (event-N.bin; event-N.raw is the datagram as sent).
# The capture runs twice with pppd and must be identical; the first is
# emitted to the host, which compares it byte for byte with golden/openl2tp/
# (run-lab.sh --update-golden rewrites those). A third capture runs rppp in
# the LNS engine's place with the same command line (`plugin openl2tp.so`,
# built in): its datagrams are emitted as rppp--event-N.bin and must match
# the same golden files byte for byte (ids, unit, names, ACCM).
. /lab/lib.sh
CTL=/tmp/ol2tp.ctl
EVENTS=/tmp/ol2tp.events
LOGS="/tmp/ppp-ol2tp-lns.log /tmp/ppp-ol2tp-lac.log"
lns_up() { ip -n lns -o -4 addr show dev ppp0 2>/dev/null | grep -q inet; }
captured() { [ "$(ls "$1" 2>/dev/null | wc -l)" -ge "$2" ]; }
tool_gone() { ! kill -0 "$TOOL" 2>/dev/null; }

capture() {  # capture <run> [lns engine] : events into /tmp/ev<run>/
    run=$1; dir=/tmp/ev$run; engine=${2:-/usr/sbin/pppd}
    failed_before=$FAILED
    section "openl2tp: capture $run"
    rm -rf $dir $CTL $EVENTS $LOGS /tmp/listen.out
    : > $ENGINE_ARGV_LOG
    mkfifo $CTL
    check "underlay veth between netns lns and lac" netns_up || return
    event-listen --out $dir --count 3 --timeout 90 > /tmp/listen.out 2>&1 &
    LISTENER=$!
    wait_for 50 grep -q '^LISTENING' /tmp/listen.out
    l2tp-static --sessions 1 --control $CTL --events $EVENTS --lns-engine "$engine" \
        --lns-args "nodetach debug logfile /tmp/ppp-ol2tp-lns.log require-pap noipv6 noccp plugin openl2tp.so {lns_ip}:{lac_ip}" \
        --lac-args "nodetach debug logfile /tmp/ppp-ol2tp-lac.log noauth user lac password s3cret noipv6 noccp noipdefault ipcp-accept-local ipcp-accept-remote" \
        > /tmp/ol2tp-tool.out 2>&1 &
    TOOL=$!
    check "run $run: the link comes up" wait_for 300 lns_up
    check "run $run: two events (ACCM, up) while the link comes up" wait_for 100 captured $dir 2
    echo stop 1<>$CTL
    check "run $run: the engines stop" wait_for 300 tool_gone
    check "run $run: a third event (down) at teardown" wait_for 100 captured $dir 3
    wait $LISTENER; rc=$?
    check "run $run: exactly the three events arrived" [ $rc = 0 ]
    cat /tmp/listen.out
    kill $LISTENER 2>/dev/null
    if [ $FAILED != "$failed_before" ]; then
        section "openl2tp: capture $run FAILED, logs follow"
        kill "$TOOL" 2>/dev/null
        dump_files /tmp/ol2tp-tool.out $ENGINE_ARGV_LOG $LOGS
        dump_kernel_log
    fi
    netns_down
}

install_engine_wrapper
printf '# client server secret addresses\nlac * s3cret *\n' > /etc/ppp/pap-secrets
chmod 600 /etc/ppp/pap-secrets
capture 1
capture 2
RPPP=/lab/bin/rppp
if [ -x $RPPP ]; then capture 3 $RPPP; else fail "no rppp binary at $RPPP (run-lab.sh copies it)"; fi
section "openl2tp: results"
same_event() {  # same_event <n>: both captures' event n match (padding zeroed)
    cmp "/tmp/ev1/event-$1.bin" "/tmp/ev2/event-$1.bin" && return 0
    for r in 1 2; do echo "    capture $r:"; od -An -tx1 -v "/tmp/ev$r/event-$1.bin"; done
    return 1
}
for i in 1 2 3; do
    check "event $i is the same in both captures" same_event $i
    [ -f /tmp/ev1/event-$i.bin ] && emit_artifact event-$i.bin /tmp/ev1/event-$i.bin
    [ -f /tmp/ev3/event-$i.bin ] && emit_artifact rppp--event-$i.bin /tmp/ev3/event-$i.bin
done
# rppp clears the padding itself: what it sent is what is compared.
for i in 1 2 3; do
    check "rppp's event $i as sent has zero padding" cmp /tmp/ev3/event-$i.raw /tmp/ev3/event-$i.bin
done
[ $FAILED = 0 ]
