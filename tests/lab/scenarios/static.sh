# Scenario: static L2TP sessions (no control plane) made by l2tp-static, the
# engine on both ends of each (real pppd unless LAB_ENGINE_* say otherwise),
# at 1, 10 and 100 sessions. Checks: every link comes up with its addresses,
# one ping per link, the engines' memory (VmRSS and PSS) and the setup time
# are printed as FIGURE lines; then either a clean stop (every engine exits,
# the SIGTERMed LAC side with 5) or, at 10 sessions (with LCP echoes on),
# deleting one session and then both tunnels from outside with `ip l2tp del`
# (the link goes dead without a hangup from the kernel; pppd exits with 16
# once its LCP echoes fail; rppp hears of the deletion from the kernel's
# l2tp netlink announcement and exits with 16 at once, and its peer, whose
# session still exists, with 15 once its echoes fail). Afterwards no
# engine, interface or tunnel is left.
. /lab/lib.sh
COUNTS=${STATIC_COUNTS:-1 10 100}
CTL=/tmp/static.ctl
EVENTS=/tmp/static.events
SESSIONS=/tmp/static.sessions
OUT=/tmp/static.out
LOGS="/tmp/ppp-static-lns.log /tmp/ppp-static-lac.log"

count_up() {  # number of ppp interfaces with an IPv4 address in netns $1
    ip -n "$1" -o -4 addr show 2>/dev/null | awk '$2 ~ /^ppp/' | wc -l
}
all_up() { [ "$(count_up lns)" = "$1" ] && [ "$(count_up lac)" = "$1" ]; }
event_seen() { grep -q "$1" $EVENTS 2>/dev/null; }
nothing_left() {
    [ -z "$(engine_pids)" ] &&
    ! ip -n lns -o link show | grep -q ': ppp' && ! ip -n lac -o link show | grep -q ': ppp' &&
    [ -z "$(ip netns exec lns /sbin/ip l2tp show tunnel)" ] &&
    [ -z "$(ip netns exec lac /sbin/ip l2tp show tunnel)" ]
}
tool_gone() { ! kill -0 "$TOOL" 2>/dev/null; }
# From the engine wrapper's log: each engine had exactly one socket open,
# the fd named after "pppol2tp" on its command line.
one_socket_each() {  # one_socket_each <sessions>
    awk -v want=$((2 * $1)) '
        /^argv:/ { for (i = 1; i < NF; i++) if ($i == "pppol2tp") fd = $(i + 1) }
        /^fds:/ { n = 0; ok = 0
                  for (i = 2; i <= NF; i++) if ($i ~ /=socket$/) { n++; if ($i == fd "=socket") ok = 1 }
                  if (n == 1 && ok) good++ }
        END { print "    engines with only their session socket: " good + 0 " of " want; exit !(good == want) }
    ' $ENGINE_ARGV_LOG
}
is_rppp() { "$1" --version 2>/dev/null | grep -q '^rppp version'; }
exits_with() {  # exits_with <side> <code>: how many EXIT lines of that side have that code
    grep "^EXIT side=$1 " $EVENTS | grep -c " code=$2\$"
}

run_count() {  # $1 = sessions, $2 = stop|delete
    cnt=$1; how=$2
    failed_before=$FAILED
    section "static/$cnt: setup ($how)"
    rm -f $CTL $EVENTS $SESSIONS $OUT $LOGS
    : > $ENGINE_ARGV_LOG
    mkfifo $CTL
    check "underlay veth between netns lns and lac" netns_up || return
    t0=$(now)
    echo=""
    [ "$how" = delete ] && echo="lcp-echo-interval 1 lcp-echo-failure 3"
    # With one session the engines start through the wrapper, whose log
    # shows their argv and fds; with more they start directly, so that the
    # setup time is the engines' own.
    if [ "$cnt" = 1 ]; then
        lns_engine=/usr/sbin/pppd; lac_engine=/usr/sbin/pppd
    else
        lns_engine=${LAB_ENGINE_LNS:-/usr/sbin/pppd.real}; lac_engine=${LAB_ENGINE_LAC:-/usr/sbin/pppd.real}
    fi
    # A loaded machine slows a hundred engines' teardown: more grace before
    # the tool resorts to SIGKILL.
    l2tp-static --sessions "$cnt" --stop-grace $((10 + cnt / 5)) --lns-engine $lns_engine --lac-engine $lac_engine --control $CTL --events $EVENTS --sessions-file $SESSIONS \
        --lns-args "nodetach noauth debug logfile /tmp/ppp-static-lns.log $echo {lns_ip}:{lac_ip}" \
        --lac-args "nodetach noauth debug logfile /tmp/ppp-static-lac.log $echo noipdefault ipcp-accept-local ipcp-accept-remote" \
        > $OUT 2>&1 &
    TOOL=$!
    check "$cnt: kernel objects made and engines started" wait_for 600 event_seen '^READY'
    grep '^READY' $EVENTS
    if wait_for $((300 + 10 * cnt)) all_up "$cnt"; then
        t_up=$(elapsed "$t0" "$(now)")
        pass "$cnt: all $cnt links up on both sides after $t_up s"
    else
        t_up=-
        fail "$cnt: all $cnt links up (lns $(count_up lns), lac $(count_up lac))"
    fi

    section "static/$cnt: one ping per link"
    ok=$(ip netns exec lns sh -c '
        ok=0
        while read -r i lt ls ct cs lns_ip lac_ip; do
            ping -c 1 -W 2 "$lac_ip" > /dev/null 2>&1 && ok=$((ok + 1))
        done < '$SESSIONS'
        echo $ok')
    check "$cnt: ping answered on $ok of $cnt links" [ "$ok" = "$cnt" ]
    if [ "$cnt" = 1 ]; then
        check "$cnt: every engine got the session socket as its only socket" one_socket_each "$cnt"
        check "$cnt: the LNS engine ran with pppol2tp_lns_mode, the LAC engine without" \
            [ "$(grep '^argv:' $ENGINE_ARGV_LOG | grep -c ' pppol2tp_lns_mode ')" = 1 ]
    fi

    section "static/$cnt: memory per engine"
    echo mem 1<>$CTL
    wait_for 300 event_seen '^MEMDONE'
    grep '^MEMSUM' $OUT
    lns_mem=$(awk '/^MEMSUM side=lns/ { split($4, r, "="); split($5, p, "="); print r[2], p[2] }' $OUT)
    lac_mem=$(awk '/^MEMSUM side=lac/ { split($4, r, "="); split($5, p, "="); print r[2], p[2] }' $OUT)
    check "$cnt: memory read for every engine" [ "$(grep -c '^MEM side=.* vmrss_kib=' $OUT)" = $((2 * cnt)) ]
    set -- $lns_mem $lac_mem
    echo "FIGURE static sessions=$cnt setup_s=$t_up lns_vmrss_avg_kib=${1:-?} lns_pss_avg_kib=${2:-?} lac_vmrss_avg_kib=${3:-?} lac_pss_avg_kib=${4:-?}"

    if [ "$how" = delete ]; then
        # Debian 12's kernel (6.1) tells the engine nothing when its session
        # or tunnel is deleted (no hangup on the channel fd; see the
        # kernel-facts group): the link just goes dead. pppd notices through
        # LCP echoes, and then ends with 16 (it logs "Modem hangup" once LCP
        # has terminated).
        section "static/$cnt: delete one session, then the tunnels"
        line=$(sed -n 4p $SESSIONS); [ -n "$line" ] || line=$(sed -n 1p $SESSIONS)
        set -- $line   # index lns_tunnel lns_session lac_tunnel lac_session lns_ip lac_ip
        ip netns exec lns /sbin/ip l2tp del session tunnel_id "$2" session_id "$3"
        check "$cnt: after deleting LNS session $3 its link is dead" \
            sh -c "! /sbin/ip netns exec lns ping -c 1 -W 1 $7 > /dev/null"
        if is_rppp "$lns_engine"; then
            # rppp: the kernel's l2tp netlink announcement, well before
            # the echoes (1 s x 3) could fail.
            check "$cnt: rppp (LNS) of the deleted session exits with 16 at once" \
                wait_for 25 grep -Eq "^EXIT side=lns index=$1 .* code=16\$" $EVENTS
            check "$cnt: no other engine exited at once" [ "$(grep -c '^EXIT' $EVENTS)" = 1 ]
        else
            check "$cnt: no engine exited at once (the kernel signals no hangup)" [ "$(grep -c '^EXIT' $EVENTS)" = 0 ]
        fi
        # pppd ends both with 16: its status is 15 when the echoes fail,
        # but after LCP gives up it disconnects the channel, reads
        # end-of-file on its unit fd and takes that for a hangup. rppp
        # reports what it saw: 15, the peer stopped answering (on kernels
        # that hang the channel up when the session is deleted, 16 at once).
        check "$cnt: both ends of that session exit with 16 or 15 once LCP echoes fail" \
            wait_for 200 sh -c "grep -Eq '^EXIT side=lns index=$1 .* code=1[56]\$' $EVENTS &&
                                grep -Eq '^EXIT side=lac index=$1 .* code=1[56]\$' $EVENTS"
        check "$cnt: no other engine exited" [ "$(grep -c '^EXIT' $EVENTS)" = 2 ]
        ip netns exec lns /sbin/ip l2tp del tunnel tunnel_id "$2"
        ip netns exec lac /sbin/ip l2tp del tunnel tunnel_id "$4"
        check "$cnt: deleting the tunnels ends every engine" wait_for 300 tool_gone
        check "$cnt: every LNS engine exited with 16 or 15" \
            [ $(( $(exits_with lns 16) + $(exits_with lns 15) )) = "$cnt" ]
        check "$cnt: every LAC engine exited with 16 or 15" \
            [ $(( $(exits_with lac 16) + $(exits_with lac 15) )) = "$cnt" ]
        # rppp: deleting its session or tunnel is a hangup, 16 for every
        # one (the LAC end of the first deleted session may have found its
        # peer dead first: 15).
        if is_rppp "$lns_engine"; then
            check "$cnt: every rppp LNS exited with 16" [ "$(exits_with lns 16)" = "$cnt" ]
        fi
        if is_rppp "$lac_engine"; then
            check "$cnt: every rppp LAC but the deleted session's exited with 16" \
                [ "$(exits_with lac 16)" -ge $((cnt - 1)) ]
        fi
        echo "    exit codes: $(grep '^EXIT' $EVENTS | sed 's/.*code=//' | sort | uniq -c | tr -s ' \n' ' ')"
    else
        section "static/$cnt: clean stop"
        echo stop 1<>$CTL
        check "$cnt: the tool stops every engine without SIGKILL" wait_for 600 tool_gone
        # pppd exits with 5 on SIGTERM, but with 16 when its Terminate-Request
        # goes unacknowledged until its timer ends ("Modem hangup" after
        # "Connection terminated"), which a loaded VM sometimes causes.
        check "$cnt: every LAC engine exited with 5 (SIGTERM) or 16" \
            [ $(( $(exits_with lac 5) + $(exits_with lac 16) )) = "$cnt" ]
        echo "    LAC exit codes: $(grep '^EXIT side=lac' $EVENTS | sed 's/.*code=//' | sort | uniq -c | tr -s ' \n' ' ')"
        check "$cnt: every LNS engine exited" [ "$(grep -c '^EXIT side=lns' $EVENTS)" = "$cnt" ]
        echo "    LNS exit codes: $(grep '^EXIT side=lns' $EVENTS | sed 's/.*code=//' | sort | uniq -c | tr -s ' \n' ' ')"
    fi
    wait "$TOOL"; rc=$?
    check "$cnt: l2tp-static exited 0" [ "$rc" = 0 ]
    grep '^DONE' $EVENTS
    check "$cnt: no engine, PPP interface or tunnel left" wait_for 50 nothing_left
    if [ $FAILED != "$failed_before" ]; then
        section "static/$cnt: FAILED, logs follow"
        kill "$TOOL" 2>/dev/null
        for p in $(engine_pids); do kill -9 "$p"; done
        head -c 20000 $OUT
        dump_files $EVENTS $ENGINE_ARGV_LOG $LOGS
        dump_kernel_log
    fi
    netns_down
}

install_engine_wrapper
for c in $COUNTS; do
    if [ "$c" = 10 ]; then run_count "$c" delete; else run_count "$c" stop; fi
done
section "static: $FAILED failed checks"
[ $FAILED = 0 ]
