#!/usr/bin/env bash
# Build openl2tpd 1.8 (a test peer, not part of rppp) from the unmodified
# source in ../shared/third-party/openl2tp/, for the lab's openl2tpd group.
#
# OpenL2TP is not packaged by Debian and its 2010 source does not build on
# bookworm as shipped. The fixes are made here, on a copy in the cache, and
# are the lab's own (none of OpenL2TP goes into rppp's source):
#   - -Werror dropped (gcc 12 warns where gcc 4 did not);
#   - <rpc/rpc.h> from libtirpc: -I/usr/include/tirpc and -ltirpc;
#   - l2tp_api.c reads tirpc's xp_raddr (a sockaddr_storage) as glibc's old
#     sockaddr_in: cast it.
# RPC management stays on (l2tpconfig needs it; openl2tpd then registers
# with rpcbind, which the guest runs).
#
# Output: $RPPP_LAB_CACHE/openl2tp/out/{openl2tpd,l2tpconfig,ppp_unix.so};
# rebuilt only when the tarball or this script changed. Build dependencies
# are installed with apt-get when missing (CI runs as root on bookworm).
set -euo pipefail
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$LAB_DIR/../.." && pwd)
CACHE=${RPPP_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rppp-lab}
TARBALL=${RPPP_OPENL2TP_TARBALL:-$REPO/../shared/third-party/openl2tp/openl2tp-1.8.tar.gz}
W=$CACHE/openl2tp
log() { printf 'build-openl2tp: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ -f "$TARBALL" ] || die "no OpenL2TP source at $TARBALL"
stamp=$(cat "$TARBALL" "$0" | sha256sum | cut -d' ' -f1)
if [ -f "$W/stamp" ] && [ "$(cat "$W/stamp")" = "$stamp" ] &&
   [ -x "$W/out/openl2tpd" ] && [ -x "$W/out/l2tpconfig" ] && [ -f "$W/out/ppp_unix.so" ]; then
    log "openl2tpd up to date"
    exit 0
fi

need=()
for p in gcc make flex bison libfl-dev rpcsvc-proto libtirpc-dev libreadline-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    log "installing build dependencies: ${need[*]}"
    apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
        >/dev/null || die "apt-get install ${need[*]} failed"
fi

log "building openl2tpd from $(basename "$TARBALL")"
rm -rf "$W"
mkdir -p "$W/src" "$W/out"
tar xzf "$TARBALL" -C "$W/src" --strip-components=1
cd "$W/src"
sed -i 's/ -Werror//' Makefile cli/Makefile usl/Makefile
sed -i 's/^\(LDFLAGS\.l2tpd=.*-lc\)$/\1 -ltirpc/; s/^\(LDFLAGS\.l2tpconfig=.*-lc\)$/\1 -ltirpc/' Makefile
grep -q -- '-lc -ltirpc$' Makefile || die "the Makefile's link lines moved; update the -ltirpc fix"
sed -i 's/xprt->xp_raddr\.sin_addr/((struct sockaddr_in *) \&xprt->xp_raddr)->sin_addr/g' l2tp_api.c
grep -q 'struct sockaddr_in \*) &xprt->xp_raddr' l2tp_api.c || die "l2tp_api.c's xp_raddr use moved"
# Its parallel build is broken: -j1.
if ! C_INCLUDE_PATH=/usr/include/tirpc make -j1 > "$W/build.log" 2>&1; then
    tail -n 40 "$W/build.log" >&2
    die "make failed (full log: $W/build.log)"
fi
install -m755 openl2tpd l2tpconfig "$W/out/"
install -m644 plugins/ppp_unix.so "$W/out/"
printf '%s\n' "$stamp" > "$W/stamp"
log "openl2tpd built: $(ls "$W/out" | tr '\n' ' ')"
