# Scenario: the kernel facts rppp's driver relies on, checked by the
# kernel-facts program against a real pppd (see tools/src/bin/kernel-facts/).
. /lab/lib.sh
install_engine_wrapper
check "underlay veth between netns lns and lac" netns_up
section "kernel facts"
kernel-facts
rc=$?
check "every kernel fact holds" [ $rc = 0 ]
if [ $FAILED != 0 ]; then
    section "kernel facts: FAILED, logs follow"
    dump_files $ENGINE_ARGV_LOG /tmp/facts-pppd.log
    dump_kernel_log
fi
netns_down
[ $FAILED = 0 ]
