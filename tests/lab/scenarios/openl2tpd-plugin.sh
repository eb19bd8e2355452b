# Scenario group openl2tpd-plugin: the openl2tpd group's runs (see
# openl2tpd.sh, copied to /lab/ by run-lab.sh) with every openl2tpd
# loading rppp's plugin (src/openl2tp-plugin, -p rppp-openl2tp.so) in
# place of ppp_unix, so PPP runs inside openl2tpd. Then OPENL2TPD_SESSIONS
# (default 100) sessions through one openl2tpd with the plugin, all up
# and pinged, with openl2tpd's memory against openl2tpd + one engine
# process per session under ppp_unix (see openl2tpd.sh, scale_sessions).
OPENL2TPD_ENGINE=plugin
. /lab/openl2tpd.sh
