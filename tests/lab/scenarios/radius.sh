# Scenario: an LNS authenticating a real pppd LAC through FreeRADIUS
# (issue #18), with ping and accounting.
#
# FreeRADIUS runs in netns lns on 127.0.0.1:1812/1813 (Debian's config,
# trimmed as tests/radius_common does: Message-Authenticator on every
# Accept/Reject, which rppp requires since BlastRADIUS; accounting written by
# the detail module to $DETAIL). The LNS engine reads `plugin radius.so` and
# `radius-config-file` from its pppoptfile.
#   Part A  xl2tpd + rppp (drop-in for pppd) as the LNS, xl2tpd + real pppd
#           as the LAC, one connection per method (pap, chap, mschapv2):
#           link up, the LAC got the user's Framed-IP-Address, 5 pings of
#           1000 bytes, then the LAC hangs up (SIGTERM to its pppd): Start
#           and Stop in the detail file for the user, octets >= 5000 each
#           way, Acct-Terminate-Cause = User-Request, an Interim-Update
#           (radius-interim-interval 2) counting the pings, the user's
#           Framed-Route through the LNS's interface, radattr.so's
#           /var/run/radattr.pppN while up, gone after. Then a wrong password:
#           the LNS's rppp exits 11 (peer authentication failed), no Start.
#           The CHAP user also has a Framed-IPv6-Prefix, and both ends run
#           IPv6CP (+ipv6): the LNS routes the prefix through its interface
#           and advertises it (RFC 4861 Router Advertisements); the LAC's
#           kernel forms its SLAAC address there from its link-local
#           identifier, takes the LNS as its IPv6 default router, and
#           ping -6 from the LNS to that address crosses.
#   Part B  `rppp l2tpd` as the LNS with the same xl2tpd.conf and pppoptfile
#           (pap, chap): the same checks, and the tunnel attributes (RFC
#           2867, 2868) in the detail file. The daemon listens for Dynamic
#           Authorization (RFC 5176, --dae-listen): radclient's requests
#           end the sessions instead of the LAC's hang-up. pap: a
#           Disconnect-Request for a user with no session is NAKed, the
#           user's is ACKed and ends the link (Admin-Reset); chap: a
#           CoA-Request with Session-Timeout = 3 is ACKed and the link ends
#           3 s later (Session-Timeout).
#   Part C  openl2tpd with rppp's plugin (-p rppp-openl2tp.so: PPP inside
#           openl2tpd) as the LNS, its PPP profile's use_radius=yes giving
#           `plugin radius.so` with radiusclient.conf at its default place,
#           against the xl2tpd + pppd LAC, PAP: link up with the user's
#           Framed-IP-Address, ping, Start and Stop (User-Request) in the
#           detail file with the tunnel's client endpoint.
# Environment: RADIUS_PARTS (default "a b c"), RADIUS_METHODS (default
# "pap chap mschapv2").
. /lab/lib.sh
RPPP=/lab/bin/rppp
PARTS=${RADIUS_PARTS:-a b c}
PLUGIN_SO=/lab/bin/rppp-openl2tp.so
METHODS=${RADIUS_METHODS:-pap chap mschapv2}
LNS_PPP_IP=10.202.0.1
RAD=/tmp/radius         # FreeRADIUS's config, logs and detail file
DETAIL=$RAD/detail
RC_DIR=/etc/rppp-radius # the LNS's radiusclient.conf and dictionary
SECRET=lab-secret
FRAMED_ROUTE=192.168.99.0/24  # every user's Framed-Route
V6_PREFIX=2001:db8:202:12     # the CHAP user's Framed-IPv6-Prefix, a /64
# user password Framed-IP-Address, one per method; "wrong" is never right.
user_of() { case $1 in pap) echo "papuser pap-pw 10.202.0.11";; chap) echo "chapuser chap-pw 10.202.0.12";;
    mschapv2) echo "msuser ms-pw 10.202.0.13";; esac; }

write_freeradius() {
    rm -rf $RAD; mkdir -p $RAD
    cp -a /etc/freeradius/3.0 $RAD/raddb
    # Only the modules the site uses: eap needs certificates, sql a server.
    rm -f $RAD/raddb/sites-enabled/*
    # Debian's postinst makes mods-enabled's links, and the image is
    # unpacked without it: link the modules the site uses here.
    rm -rf $RAD/raddb/mods-enabled; mkdir $RAD/raddb/mods-enabled
    for m in always attr_filter chap expr files mschap pap preprocess; do
        ln -s ../mods-available/$m $RAD/raddb/mods-enabled/$m
    done
    cat > $RAD/raddb/sites-enabled/lab <<'SITE'
server lab {
listen {
	type = auth
	ipaddr = 127.0.0.1
	port = 1812
}
listen {
	type = acct
	ipaddr = 127.0.0.1
	port = 1813
}
authorize {
	chap
	mschap
	files
	pap
}
authenticate {
	Auth-Type PAP {
		pap
	}
	Auth-Type CHAP {
		chap
	}
	Auth-Type MS-CHAP {
		mschap
	}
}
preacct {
}
accounting {
	detail
}
# rppp drops replies without Message-Authenticator (BlastRADIUS).
post-auth {
	update reply {
		&Message-Authenticator := 0x00
	}
	Post-Auth-Type REJECT {
		update reply {
			&Message-Authenticator := 0x00
		}
	}
}
}
SITE
    printf 'detail {\n\tfilename = %s\n\tescape_filenames = no\n\tpermissions = 0600\n\theader = "%%t"\n\tlocking = no\n}\n' \
        $DETAIL > $RAD/raddb/mods-enabled/detail
    printf 'client localhost {\n\tipaddr = 127.0.0.1\n\tsecret = %s\n\trequire_message_authenticator = yes\n}\n' \
        $SECRET > $RAD/raddb/clients.conf
    : > $RAD/raddb/mods-config/files/authorize
    for m in pap chap mschapv2; do
        set -- $(user_of $m)
        v6=""; [ $m = chap ] && v6=",
	Framed-IPv6-Prefix = $V6_PREFIX::/64"
        printf '%s Cleartext-Password := "%s"\n\tFramed-IP-Address = %s,\n\tFramed-Route = "%s 0.0.0.0 1"%s\n\n' \
            "$1" "$2" "$3" "$FRAMED_ROUTE" "$v6" \
            >> $RAD/raddb/mods-config/files/authorize
    done
    # Root in the guest; logs in $RAD; rejects at once (short timeouts).
    sed -i -e "s|^logdir =.*|logdir = $RAD|" -e "s|^run_dir =.*|run_dir = $RAD|" \
        -e 's/^\([[:space:]]*\)\(user\|group\) =/\1#\2 =/' \
        -e 's/^[[:space:]]*reject_delay =.*/\treject_delay = 0/' $RAD/raddb/radiusd.conf
}
start_freeradius() {
    /sbin/ip netns exec lns freeradius -X -d $RAD/raddb > $RAD/freeradius.log 2>&1 &
    RADIUS_PID=$!
    wait_for 100 radius_listening
}
radius_listening() { ip netns exec lns cat /proc/net/udp | grep -q '0100007F:0714 '; }

# pppd's radiusclient files, with a small radiusclient-style dictionary.
write_radiusclient() {
    mkdir -p $RC_DIR
    cat > $RC_DIR/radiusclient.conf <<CONF
authserver 127.0.0.1:1812
acctserver 127.0.0.1:1813
servers $RC_DIR/servers
dictionary $RC_DIR/dictionary
radius_timeout 3
radius_retries 2
nas_identifier rppp-lab
CONF
    echo "127.0.0.1 $SECRET" > $RC_DIR/servers
    chmod 600 $RC_DIR/servers
    cat > $RC_DIR/dictionary <<'DICT'
ATTRIBUTE	User-Name		1	string
ATTRIBUTE	User-Password		2	string
ATTRIBUTE	CHAP-Password		3	string
ATTRIBUTE	NAS-IP-Address		4	ipaddr
ATTRIBUTE	NAS-Port		5	integer
ATTRIBUTE	Service-Type		6	integer
ATTRIBUTE	Framed-Protocol		7	integer
ATTRIBUTE	Framed-IP-Address	8	ipaddr
ATTRIBUTE	Reply-Message		18	string
ATTRIBUTE	Class			25	string
ATTRIBUTE	Session-Timeout		27	integer
ATTRIBUTE	NAS-Identifier		32	string
ATTRIBUTE	Acct-Status-Type	40	integer
ATTRIBUTE	Acct-Input-Octets	42	integer
ATTRIBUTE	Acct-Output-Octets	43	integer
ATTRIBUTE	Acct-Session-Id		44	string
ATTRIBUTE	Acct-Session-Time	46	integer
ATTRIBUTE	Acct-Terminate-Cause	49	integer
ATTRIBUTE	CHAP-Challenge		60	string
ATTRIBUTE	NAS-Port-Type		61	integer
ATTRIBUTE	Message-Authenticator	80	string
VALUE		Service-Type		Framed-User		2
VALUE		Framed-Protocol		PPP			1
VALUE		NAS-Port-Type		Virtual			5
VENDOR		Microsoft		311
ATTRIBUTE	MS-CHAP-Error		2	string	Microsoft
ATTRIBUTE	MS-CHAP-Challenge	11	string	Microsoft
ATTRIBUTE	MS-CHAP-MPPE-Keys	12	string	Microsoft
ATTRIBUTE	MS-MPPE-Send-Key	16	string	Microsoft
ATTRIBUTE	MS-MPPE-Recv-Key	17	string	Microsoft
ATTRIBUTE	MS-CHAP2-Response	25	string	Microsoft
ATTRIBUTE	MS-CHAP2-Success	26	string	Microsoft
ATTRIBUTE	MS-Primary-DNS-Server	28	ipaddr	Microsoft
DICT
}

write_ppp_configs() {  # $1 = method
    case $1 in
        pap) lns_auth="require pap = yes
refuse chap = yes"; lns_ppp=require-pap;;
        chap) lns_auth="require chap = yes
refuse pap = yes"; lns_ppp="require-chap
+ipv6";;
        mschapv2) lns_auth="refuse pap = yes
refuse chap = yes"; lns_ppp=require-mschap-v2;;
    esac
    # No secrets: every answer comes from FreeRADIUS or from xl2tpd's dial.
    : > /etc/ppp/pap-secrets; : > /etc/ppp/chap-secrets
    cat > /etc/xl2tpd/lns.conf <<CONF
[global]
listen-addr = $LNS_UNDERLAY
port = 1701
access control = no

[lns default]
ip range = 10.202.0.100-10.202.0.109
local ip = $LNS_PPP_IP
require authentication = yes
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
autodial = no
redial = no
require authentication = no
ppp debug = yes
pppoptfile = /etc/ppp/options.lac
length bit = yes
CONF
    cat > /etc/ppp/options.lns <<CONF
$lns_ppp
plugin radius.so
radius-config-file $RC_DIR/radiusclient.conf
plugin radattr.so
radius-interim-interval 2
logfile /tmp/ppp-lns.log
debug
noccp
nodefaultroute
mtu 1400
mru 1400
lcp-restart 1
CONF
    v6=noipv6; [ $1 = chap ] && v6=+ipv6
    cat > /etc/ppp/options.lac <<CONF
noauth
$v6
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

lns_listening() { ip netns exec lns cat /proc/net/udp | grep -q ':06A5 '; }
lac_pppd() { pidof pppd.real; }
no_engine_left() { [ -z "$(pidof pppd.real rppp)" ]; }
# The LNS rppp's exit code (part A): as xl2tpd logged it, or, when the
# LAC's hang-up closed the call first (xl2tpd then logs no code), as rppp
# logged it at exit.
lns_exit() {
    { sed -n 's/.*pppd exited for call [0-9]* with code \([0-9]*\).*/\1/p' /tmp/xl2tpd-lns.log
      sed -n 's/^Exit: .*(exit code \([0-9]*\))$/\1/p' /tmp/ppp-lns.log; } 2>/dev/null | tail -n 1
}
lns_exited() { [ -n "$(lns_exit)" ]; }
# The detail file's records for a user and a status: "in out cause" each.
acct_records() {  # acct_records <user> <Start|Stop>
    awk -v u="$1" -v s="$2" 'function flush() { if (user == u && st == s) print in_o + 0, out_o + 0, cause; user = st = cause = ""; in_o = out_o = 0 }
        /^[A-Z][a-z][a-z] / { flush() }
        $1 == "User-Name" { user = $3; gsub(/"/, "", user) }
        $1 == "Acct-Status-Type" { st = $3 }
        $1 == "Acct-Input-Octets" { in_o = $3 }
        $1 == "Acct-Output-Octets" { out_o = $3 }
        $1 == "Acct-Terminate-Cause" { cause = $3 }
        END { flush() }' $DETAIL 2>/dev/null
}
# The detail file keeps every part's records: a session's own Stop is one
# more than there were before it ended.
stops() { acct_records "$1" Stop | wc -l; }
has_new_stop() { [ "$(stops "$1")" -gt "$2" ]; }
has_start() { [ -n "$(acct_records "$1" Start)" ]; }
# An Interim-Update for the user counting >= 5000 octets each way.
interim_counts() { acct_records "$1" Interim-Update | awk '$1 >= 5000 && $2 >= 5000 { f = 1 } END { exit !f }'; }

# The LNS daemon for the part: xl2tpd (A) or rppp l2tpd (B), in netns lns.
start_lns() {  # start_lns a|b
    if [ "$1" = a ]; then
        /sbin/ip netns exec lns xl2tpd -D -c /etc/xl2tpd/lns.conf -p /run/xl2tpd/lns.pid \
            -C /run/xl2tpd/lns-control > /tmp/xl2tpd-lns.log 2>&1 &
    else
        echo "127.0.0.1 $SECRET" > $RC_DIR/dae-clients
        /sbin/ip netns exec lns $RPPP l2tpd -c /etc/xl2tpd/lns.conf -p /tmp/rppp-main.pid \
            --dae-listen 127.0.0.1:3799 --dae-clients $RC_DIR/dae-clients \
            > /tmp/xl2tpd-lns.log 2>&1 &
    fi
    LNS_PID=$!
    wait_for 50 lns_listening
}
start_lac() {  # start_lac <user> <password>: dial through xl2tpd's control pipe
    /sbin/ip netns exec lac xl2tpd -D -c /etc/xl2tpd/lac.conf -p /run/xl2tpd/lac.pid \
        -C /run/xl2tpd/lac-control > /tmp/xl2tpd-lac.log 2>&1 &
    LAC_PID=$!
    wait_for 50 test -p /run/xl2tpd/lac-control
    echo "c tolns $1 $2" > /run/xl2tpd/lac-control
}
stop_daemons() {
    kill $LAC_PID $LNS_PID 2>/dev/null
    wait_for 50 no_engine_left
    kill -9 $LAC_PID $LNS_PID $(pidof pppd.real rppp) 2>/dev/null
    rm -f /run/xl2tpd/* /tmp/rppp-main.pid
}
dump_logs() {
    dump_files /tmp/xl2tpd-lns.log /tmp/xl2tpd-lac.log /tmp/ppp-lns.log /tmp/ppp-lac.log $DETAIL
    tail -n 60 $RAD/freeradius.log
}

run_method() {  # run_method a|b <method> [hangup|disconnect|coa]
    part=$1; m=$2; ending=${3:-hangup}; tag="part $part $m"; failed_before=$FAILED
    set -- $(user_of $m); user=$1; pw=$2; ip=$3
    section "radius $tag: $user"
    rm -f /tmp/ppp-*.log /tmp/xl2tpd-*.log
    write_ppp_configs $m
    start_lns $part
    t0=$(now); start_lac $user $pw
    if wait_for 400 both_up; then pass "$tag: PPP up after $(elapsed "$t0" "$(now)") s"
    else fail "$tag: PPP up within 40 s"; fi
    set -- $(ppp_if lac)
    check "$tag: the LAC got Framed-IP-Address $ip (has ${2:-none})" [ "${2:-}" = $ip ]
    check "$tag: 5 pings of 1000 bytes LAC -> LNS" \
        ip netns exec lac ping -c 5 -s 1000 -i 0.2 -W 3 -q $LNS_PPP_IP
    set -- $(ppp_if lns); lns_if=${1:-none}
    check "$tag: /var/run/radattr.$lns_if has Framed-IP-Address $ip" \
        grep -qx "Framed-IP-Address $ip" /var/run/radattr.$lns_if
    check "$tag: Framed-Route $FRAMED_ROUTE goes through $lns_if" \
        sh -c "/sbin/ip -n lns route show $FRAMED_ROUTE | grep -q 'dev $lns_if'"
    [ $m = chap ] && ipv6_prefix_checks "$(ppp_if lac | cut -d' ' -f1)" $lns_if
    check "$tag: an Interim-Update (radius-interim-interval 2) counts the pings both ways" \
        wait_for 100 interim_counts $user
    # How the session ends: the LAC hangs up (its pppd sends a
    # Terminate-Request), or a Dynamic Authorization request ends it.
    stops_before=$(stops $user)
    case $ending in
        hangup) kill -TERM $(lac_pppd) 2>/dev/null; cause=User-Request;;
        disconnect)
            check "$tag: a Disconnect-Request for a user with no session is NAKed" \
                dae disconnect 'User-Name = "nobody"' Disconnect-NAK
            check "$tag: radclient's Disconnect-Request for $user is ACKed" \
                dae disconnect "User-Name = \"$user\"" Disconnect-ACK
            cause=Admin-Reset;;
        coa)
            check "$tag: radclient's CoA-Request (Session-Timeout = 3) for $user is ACKed" \
                dae coa "User-Name = \"$user\"
Session-Timeout = 3" CoA-ACK
            cause=Session-Timeout;;
    esac
    check "$tag: a Stop for $user in the detail file" wait_for 100 has_new_stop $user $stops_before
    check "$tag: a Start for $user" [ -n "$(acct_records $user Start)" ]
    set -- $(acct_records $user Stop | tail -n 1)
    echo "    Stop: Acct-Input-Octets=${1:-?} Acct-Output-Octets=${2:-?} Acct-Terminate-Cause=${3:-?}"
    check "$tag: the Stop counts the pings both ways (>= 5000 octets)" [ $(( ${1:-0} >= 5000 && ${2:-0} >= 5000 )) = 1 ]
    check "$tag: Acct-Terminate-Cause $cause" [ "${3:-}" = $cause ]
    check "$tag: the radattr file is removed at the end" wait_for 50 test ! -e /var/run/radattr.$lns_if
    if [ "$part" = b ]; then
        # rppp l2tpd knows the tunnel: RFC 2867/2868 attributes.
        check "$tag: Tunnel-Client-Endpoint is the LAC" \
            grep -q "Tunnel-Client-Endpoint:0 = \"$LAC_UNDERLAY\"" $DETAIL
        check "$tag: Tunnel-Type L2TP" grep -q "Tunnel-Type:0 = L2TP" $DETAIL
    fi
    stop_daemons
    [ $FAILED = "$failed_before" ] || dump_logs
}

# The LAC's global address in the user's prefix, if its kernel made one.
slaac_address() {  # slaac_address <lac_if>
    ip -n lac -6 -o addr show dev "$1" scope global 2>/dev/null |
        awk -v p="$V6_PREFIX:" 'index($4, p) == 1 { split($4, a, "/"); print a[1]; exit }'
}
has_slaac() { [ -n "$(slaac_address "$1")" ]; }
ipv6_prefix_checks() {  # ipv6_prefix_checks <lac_if> <lns_if>
    check "$tag: the LNS routes Framed-IPv6-Prefix $V6_PREFIX::/64 through $2" \
        sh -c "/sbin/ip -n lns -6 route show $V6_PREFIX::/64 | grep -q 'dev $2'"
    check "$tag: the LAC's kernel formed a SLAAC address in $V6_PREFIX::/64 from the advertisement" \
        wait_for 200 has_slaac "$1"
    a=$(slaac_address "$1"); iid=${a#$V6_PREFIX:}; iid=${iid#:}
    echo "    the LAC's addresses: $(ip -n lac -6 -o addr show dev "$1" | awk '{print $4}' | tr '\n' ' ')"
    check "$tag: its identifier is the LAC's link-local one (${a:-none})" \
        sh -c "/sbin/ip -n lac -6 -o addr show dev $1 scope link | grep -qw 'inet6 fe80::${iid:-none}'"
    check "$tag: the LAC's IPv6 default route goes through $1 (router lifetime)" \
        sh -c "/sbin/ip -n lac -6 route show default | grep -q 'dev $1'"
    check "$tag: ping -6 from the LNS to the LAC's ${a:-none} crosses" \
        ip netns exec lns iputils-ping -6 -c 3 -i 0.2 -W 2 "${a:-2001:db8::1}"
}

wrong_password() {  # part A: rppp exits 11, no Start
    tag="part a wrong password"; failed_before=$FAILED
    section "radius $tag"
    rm -f /tmp/ppp-*.log /tmp/xl2tpd-*.log
    write_ppp_configs pap
    start_lns a
    start_lac papuser not-the-password
    check "$tag: the LNS's rppp exited" wait_for 300 lns_exited
    check "$tag: with 11, peer authentication failed (has $(lns_exit))" [ "$(lns_exit)" = 11 ]
    # The detail file only ever has papuser's records from its own run.
    check "$tag: no new Start for papuser" [ "$(acct_records papuser Start | wc -l)" -le 1 ]
    stop_daemons
    [ $FAILED = "$failed_before" ] || dump_logs
}

part_b() { run_method b pap disconnect; run_method b chap coa; }

# A Dynamic Authorization request from radclient to rppp l2tpd, with a
# Message-Authenticator (rppp requires one), and the answer it wants.
dae() {  # dae disconnect|coa attributes answer
    printf '%s\nMessage-Authenticator = 0x00\n' "$2" |
        /sbin/ip netns exec lns radclient -x 127.0.0.1:3799 "$1" $SECRET > /tmp/radclient.out 2>&1
    grep -q "Received $3" /tmp/radclient.out || { cat /tmp/radclient.out; return 1; }
}

# Part C: openl2tpd and rppp's plugin as the LNS. openl2tpd needs rpcbind
# and logs to syslog; the PPP profile's use_radius=yes is ppp_unix's
# `plugin radius.so`, which reads /etc/radiusclient/radiusclient.conf.
openl2tpd_lns_up() { [ -s /run/openl2tpd.pid ] && lns_listening; }
part_c() {
    tag="part c openl2tpd plugin pap"; failed_before=$FAILED
    set -- $(user_of pap); user=$1; pw=$2; ip=$3
    section "radius $tag: $user"
    [ -f $PLUGIN_SO ] || { fail "$tag: no plugin at $PLUGIN_SO (run-lab.sh copies it)"; return; }
    rm -f /tmp/ppp-*.log /tmp/xl2tpd-*.log /tmp/messages
    write_ppp_configs pap
    mkdir -p /etc/radiusclient
    cp $RC_DIR/radiusclient.conf /etc/radiusclient/radiusclient.conf
    cat > /etc/openl2tpd-lns.conf <<CONF
tunnel profile modify profile_name=default our_udp_port=1701
ppp profile modify profile_name=default \\
	local_ipaddr=$LNS_PPP_IP remote_ipaddr=10.202.0.100 \\
	auth_peer=yes auth_eap=no auth_chap=no auth_mschapv1=no auth_mschapv2=no \\
	use_radius=yes
CONF
    syslogd -n -O /tmp/messages & SYSLOG_PID=$!
    /sbin/ip netns exec lns rpcbind -f > /tmp/rpcbind.log 2>&1 & RPCBIND_PID=$!
    wait_for 50 test -S /run/rpcbind.sock
    /sbin/ip netns exec lns env RPPP_PLUGIN_DEBUG=1 openl2tpd -D -p $PLUGIN_SO \
        -c /etc/openl2tpd-lns.conf > /tmp/openl2tpd-lns.out 2>&1
    check "$tag: openl2tpd with the plugin listens" wait_for 100 openl2tpd_lns_up
    LNS_PID=$(cat /run/openl2tpd.pid 2>/dev/null)
    t0=$(now); start_lac $user $pw
    if wait_for 400 both_up; then pass "$tag: PPP up after $(elapsed "$t0" "$(now)") s"
    else fail "$tag: PPP up within 40 s"; fi
    set -- $(ppp_if lac)
    check "$tag: the LAC got Framed-IP-Address $ip (has ${2:-none})" [ "${2:-}" = $ip ]
    check "$tag: no engine process on the LNS: PPP runs inside openl2tpd" \
        [ -z "$(pidof rppp)" ]
    check "$tag: 5 pings of 1000 bytes LAC -> LNS" \
        ip netns exec lac ping -c 5 -s 1000 -i 0.2 -W 3 -q $LNS_PPP_IP
    check "$tag: a Start for $user in the detail file" wait_for 100 has_start $user
    stops_before=$(stops $user)
    kill -TERM $(lac_pppd) 2>/dev/null
    check "$tag: a Stop for $user in the detail file" wait_for 100 has_new_stop $user $stops_before
    set -- $(acct_records $user Stop | tail -n 1)
    check "$tag: the Stop counts the pings both ways (>= 5000 octets)" [ $(( ${1:-0} >= 5000 && ${2:-0} >= 5000 )) = 1 ]
    check "$tag: Acct-Terminate-Cause User-Request" [ "${3:-}" = User-Request ]
    check "$tag: Tunnel-Client-Endpoint is the LAC" \
        grep -q "Tunnel-Client-Endpoint:0 = \"$LAC_UNDERLAY\"" $DETAIL
    stop_daemons
    kill $SYSLOG_PID $RPCBIND_PID 2>/dev/null
    rm -f /run/openl2tpd.pid /etc/radiusclient/radiusclient.conf
    [ $FAILED = "$failed_before" ] || { dump_logs; tail -n 60 /tmp/messages; cat /tmp/openl2tpd-lns.out; }
}

install_engine_wrapper
LAB_ENGINE_LNS=$RPPP; export LAB_ENGINE_LNS
mkdir -p /run/xl2tpd
[ -x $RPPP ] || { fail "no rppp binary at $RPPP (run-lab.sh copies it)"; exit 1; }
check "underlay veth between netns lns and lac" netns_up || exit 1
write_freeradius; write_radiusclient
check "FreeRADIUS listens on 127.0.0.1:1812 in netns lns" start_freeradius || { tail -n 40 $RAD/freeradius.log; exit 1; }
for p in $PARTS; do
    case $p in
        a) for m in $METHODS; do run_method a $m; done; wrong_password;;
        b) part_b;;
        c) part_c;;
    esac
done
kill $RADIUS_PID 2>/dev/null
netns_down
section "radius: $FAILED failed checks"
[ $FAILED = 0 ]
