#!/usr/bin/env bash
# Build (or refresh) the lab's boot image: a Debian bookworm kernel and a
# base initramfs holding busybox, real pppd (with its plugins), xl2tpd,
# openl2tpd (built from source by build-openl2tp.sh) with rpcbind, iproute2,
# iputils' ping (busybox's has no -M), their shared libraries and the
# PPP/L2TP kernel modules.
#
# Everything lives in the cache directory, outside the repository:
#   $RPPP_LAB_CACHE            default ${XDG_CACHE_HOME:-~/.cache}/rppp-lab
#     debs/                    the .deb files (apt-get download)
#     root/                    all of them unpacked (dpkg -x)
#     image/vmlinux            the kernel (uncompressed ELF, booted via PVH)
#     image/vmlinuz            the kernel as shipped (fallback)
#     image/base.cpio          the base initramfs (uncompressed newc)
#     image/guest-libs.path    library search path for checking extra binaries
#
# Each step runs only when its inputs changed: a .deb is downloaded only when
# the archive's candidate version is not already in debs/, root/ is unpacked
# again only when the set of .debs changed, and the initramfs is rebuilt only
# when root/ or the files it is built from (this script, guest/) changed.
#
# Host tools that are missing (qemu-system-x86, cpio, kmod, xz-utils,
# binutils) are installed with apt-get; this script expects to run as root on
# Debian bookworm, as CI does.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=${RPPP_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rppp-lab}
DEBS=$CACHE/debs
ROOT=$CACHE/root
IMAGE=$CACHE/image

# Packages whose binaries go into the guest, then packages that only provide
# shared libraries for them (and for the dynamically linked Rust binaries we
# build on the host: libc6 and libgcc-s1). Missing libraries are an error.
BIN_PKGS="busybox-static ppp xl2tpd iproute2 iputils-ping rpcbind netbase
          freeradius freeradius-common freeradius-config libfreeradius3 freeradius-utils"
LIB_PKGS="libc6 libgcc-s1 libcrypt1 libpam0g libpcap0.8 libssl3 libsystemd0 libcap2
          libaudit1 libdbus-1-3 libelf1 libmnl0 libbpf1 libbsd0 zlib1g liblzma5
          libzstd1 liblz4-1 libgcrypt20 libgpg-error0 libcap-ng0 libmd0 libidn2-0
          libunistring2 libtirpc3 libtirpc-common libreadline8 libtinfo6 libfl2
          libgssapi-krb5-2 libkrb5-3 libk5crypto3 libcom-err2 libkrb5support0
          libkeyutils1 libwrap0 libnsl2 libtalloc2 libpcre3 libwbclient0"
# Kernel modules; modprobe in the guest pulls in their dependencies, which are
# staged by following modules.dep.
MODULES="ppp_generic pppox l2tp_core l2tp_netlink l2tp_ppp l2tp_ip veth"

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------- host tools
APT_UPDATED=${RPPP_LAB_APT_UPDATED:-0}
apt_update() {
    if [ $APT_UPDATED = 0 ]; then
        log "apt-get update"
        apt-get update -qq || die "apt-get update failed"
        APT_UPDATED=1
    fi
}
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v cpio >/dev/null || need+=(cpio)
command -v depmod >/dev/null || need+=(kmod)
command -v xz >/dev/null || need+=(xz-utils)
command -v strip >/dev/null || need+=(binutils)
command -v dpkg-deb >/dev/null || need+=(dpkg)
if [ ${#need[@]} -gt 0 ]; then
    apt_update
    log "installing host tools: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
        >/dev/null || die "apt-get install ${need[*]} failed"
fi

# ------------------------------------------------------------- downloads
mkdir -p "$DEBS" "$IMAGE"
# The file names apt-get download gives the candidate versions of packages,
# one "package file" line each (one apt-cache call: it is slow per call).
deb_names() {  # deb_names package...
    apt-cache show --no-all-versions "$@" 2>/dev/null |
        awk '/^Package: /{p=$2} /^Version: /{v=$2} /^Architecture: /{a=$2}
             /^$/ { if (p != "") { gsub(/:/, "%3a", v); print p, p "_" v "_" a ".deb" }; p="" }
             END { if (p != "") { gsub(/:/, "%3a", v); print p, p "_" v "_" a ".deb" } }'
}
kernel_pkg() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/{print $2; exit}'
}
KPKG=$(kernel_pkg || true)
if [ -z "$KPKG" ]; then apt_update; KPKG=$(kernel_pkg); fi
[ -n "$KPKG" ] || die "cannot resolve the kernel package behind linux-image-amd64"
ALL_PKGS="$KPKG $BIN_PKGS $LIB_PKGS"
names=$(deb_names $ALL_PKGS)
if [ "$(wc -l <<<"$names")" != "$(wc -w <<<"$ALL_PKGS")" ]; then
    apt_update
    names=$(deb_names $ALL_PKGS)
fi
wanted=()
missing=()
for p in $ALL_PKGS; do
    f=$(awk -v p="$p" '$1 == p { print $2; exit }' <<<"$names")
    [ -n "$f" ] || die "no package $p in the archive"
    wanted+=("$f")
    [ -s "$DEBS/$f" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "downloading: ${missing[*]}"
    download() {
        ( cd "$DEBS" && apt-get download -qq "${missing[@]}" 2>&1 |
            grep -v 'Download is performed unsandboxed' || true )
        for p in "${missing[@]}"; do
            f=$(awk -v p="$p" '$1 == p { print $2; exit }' <<<"$names")
            [ -s "$DEBS/$f" ] || return 1
        done
    }
    # Stale package lists name files the archive no longer has: update, retry.
    if ! download; then
        [ $APT_UPDATED = 0 ] || die "apt-get download ${missing[*]} failed"
        apt_update
        log "package lists refreshed; starting over"
        RPPP_LAB_APT_UPDATED=1 exec bash "$0"
    fi
fi
# Forget packages that are no longer wanted (older versions, dropped packages).
for f in "$DEBS"/*.deb; do
    keep=0
    for w in "${wanted[@]}"; do [ "$(basename "$f")" = "$w" ] && keep=1; done
    [ $keep = 1 ] || { log "dropping stale $(basename "$f")"; rm -f "$f"; }
done

# ------------------------------------------------------------- unpack
debs_stamp=$(printf '%s\n' "${wanted[@]}" | sort)
if [ ! -f "$ROOT.stamp" ] || [ "$(cat "$ROOT.stamp")" != "$debs_stamp" ]; then
    log "unpacking ${#wanted[@]} packages"
    rm -rf "$ROOT" "$ROOT.stamp"
    mkdir -p "$ROOT"
    for f in "${wanted[@]}"; do dpkg-deb -x "$DEBS/$f" "$ROOT"; done
    printf '%s\n' "$debs_stamp" > "$ROOT.stamp"
fi
KVER=$(ls "$ROOT/lib/modules")
[ "$(wc -w <<<"$KVER")" = 1 ] || die "expected one kernel in $ROOT/lib/modules, found: $KVER"

# ------------------------------------------------------------- openl2tpd
bash "$LAB_DIR/build-openl2tp.sh"
OL2TP=$CACHE/openl2tp/out

# ------------------------------------------------------------- initramfs
image_stamp=$( { printf '%s\n' "$debs_stamp"; cat "$0" "$LAB_DIR"/guest/* "$CACHE/openl2tp/stamp"; } |
    sha256sum | cut -d' ' -f1)
if [ -f "$IMAGE/stamp" ] && [ "$(cat "$IMAGE/stamp")" = "$image_stamp" ] &&
   [ -f "$IMAGE/base.cpio" ]; then
    log "image up to date ($KVER)"
    exit 0
fi
log "building the image for kernel $KVER"
rm -f "$IMAGE/stamp"

# The kernel: Debian's bzImage wraps an xz-compressed ELF. Booting that ELF
# directly (QEMU's PVH entry; Debian kernels have CONFIG_PVH) skips the slow
# decompression under TCG.
cp "$ROOT/boot/vmlinuz-$KVER" "$IMAGE/vmlinuz"
rm -f "$IMAGE/vmlinux"
for off in $(LC_ALL=C grep -abo $'\xfd7zXZ' "$IMAGE/vmlinuz" | cut -d: -f1); do
    tail -c +$((off + 1)) "$IMAGE/vmlinuz" | xz -dc 2>/dev/null > "$IMAGE/vmlinux.tmp" || true
    if [ "$(head -c 4 "$IMAGE/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
        mv "$IMAGE/vmlinux.tmp" "$IMAGE/vmlinux"
        break
    fi
done
rm -f "$IMAGE/vmlinux.tmp"
[ -f "$IMAGE/vmlinux" ] || log "WARNING: no ELF kernel inside the bzImage; booting vmlinuz (slower)"

STAGE=$CACHE/stage
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,usr/lib,etc/ppp,etc/xl2tpd,proc,sys,dev,tmp,run,root,lab,var/log}
mkdir -p "$STAGE"/{lib64,lib/x86_64-linux-gnu}
ln -s ../run "$STAGE/var/run"

# busybox provides the shell and the small tools; real binaries below win.
cp "$ROOT/bin/busybox" "$STAGE/bin/busybox"
for applet in $("$STAGE/bin/busybox" --list); do
    [ -e "$STAGE/bin/$applet" ] || ln -s busybox "$STAGE/bin/$applet"
done
rm -f "$STAGE/bin/ip"     # the real iproute2 (ip l2tp) lives in /sbin
install -m755 "$ROOT/bin/ip" "$STAGE/sbin/ip"
# iputils' ping as /usr/bin/iputils-ping (for `-M do`); busybox's ping stays
# the default "ping" of the other scenarios.
for p in "$ROOT/bin/ping" "$ROOT/usr/bin/ping"; do
    [ -f "$p" ] && { install -m755 "$p" "$STAGE/usr/bin/iputils-ping"; break; }
done
[ -f "$STAGE/usr/bin/iputils-ping" ] || die "iputils-ping has no ping binary"
install -m755 "$ROOT/usr/sbin/pppd" "$STAGE/usr/sbin/pppd"
install -m755 "$ROOT/usr/sbin/xl2tpd" "$STAGE/usr/sbin/xl2tpd"
install -m755 "$ROOT/usr/sbin/xl2tpd-control" "$STAGE/usr/sbin/xl2tpd-control"
PPPVER=$(ls "$ROOT/usr/lib/pppd")
[ "$(wc -w <<<"$PPPVER")" = 1 ] || die "expected one pppd plugin directory, found: $PPPVER"
cp -a "$ROOT/usr/lib/pppd" "$STAGE/usr/lib/"
for plugin in pppol2tp.so openl2tp.so passwordfd.so; do
    [ -f "$STAGE/usr/lib/pppd/$PPPVER/$plugin" ] || die "pppd plugin $plugin missing"
done
# No /etc/ppp/options: Debian's has "auth"; each scenario writes its own files.
# openl2tpd, its control tool and its default plugin (L2TP_PLUGIN_DIR is
# /usr/lib/openl2tp on Debian); rpcbind for its RPC management, with the
# files the RPC library reads.
install -m755 "$OL2TP/openl2tpd" "$STAGE/usr/sbin/openl2tpd"
install -m755 "$OL2TP/l2tpconfig" "$STAGE/usr/bin/l2tpconfig"
mkdir -p "$STAGE/usr/lib/openl2tp"
install -m644 "$OL2TP/ppp_unix.so" "$STAGE/usr/lib/openl2tp/ppp_unix.so"
install -m755 "$ROOT/sbin/rpcbind" "$STAGE/sbin/rpcbind"
for f in netconfig services protocols rpc; do install -m644 "$ROOT/etc/$f" "$STAGE/etc/$f"; done
# FreeRADIUS for the radius group: the server and radclient, its libraries and modules
# (rlm_*.so), dictionaries and Debian's configuration, which the scenario
# copies and trims as tests/radius_common does.
install -m755 "$ROOT/usr/sbin/freeradius" "$STAGE/usr/sbin/freeradius"
# radclient sends the Dynamic Authorization requests (RFC 5176).
install -m755 "$ROOT/usr/bin/radclient" "$STAGE/usr/bin/radclient"
cp -a "$ROOT/usr/lib/freeradius" "$STAGE/usr/lib/"
mkdir -p "$STAGE/usr/share" "$STAGE/etc/freeradius"
cp -a "$ROOT/usr/share/freeradius" "$STAGE/usr/share/"
cp -a "$ROOT/etc/freeradius/3.0" "$STAGE/etc/freeradius/"
# FreeRADIUS 3.2 loads OpenSSL's legacy provider (MD4 for MS-CHAP) at start
# and exits without it.
mkdir -p "$STAGE/usr/lib/x86_64-linux-gnu/ossl-modules"
cp -a "$ROOT/usr/lib/x86_64-linux-gnu/ossl-modules/legacy.so" "$STAGE/usr/lib/x86_64-linux-gnu/ossl-modules/"

# Shared libraries, resolved by the unpacked loader against the unpacked
# root only, so the guest never depends on what the host has installed.
LDSO=$ROOT/lib64/ld-linux-x86-64.so.2
LIBPATH=$ROOT/lib/x86_64-linux-gnu:$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/usr/lib/freeradius
printf '%s\n' "$LIBPATH" > "$IMAGE/guest-libs.path"
cp -L "$LDSO" "$STAGE/lib64/ld-linux-x86-64.so.2"
for f in "$STAGE/usr/sbin/pppd" "$STAGE/usr/sbin/xl2tpd" "$STAGE/usr/sbin/xl2tpd-control" \
         "$STAGE/sbin/ip" "$STAGE/usr/bin/iputils-ping" "$STAGE/usr/lib/pppd/$PPPVER/"*.so \
         "$STAGE/usr/sbin/openl2tpd" "$STAGE/usr/bin/l2tpconfig" "$STAGE/usr/lib/openl2tp/ppp_unix.so" \
         "$STAGE/sbin/rpcbind" "$STAGE/usr/sbin/freeradius" "$STAGE/usr/bin/radclient" \
         "$STAGE"/usr/lib/freeradius/rlm_{always,attr_filter,chap,detail,expr,files,mschap,pap,preprocess}.so; do
    out=$("$LDSO" --library-path "$LIBPATH" --list "$f" 2>&1) || true
    if grep -q 'not found' <<<"$out"; then
        case "$f" in
            */pppd/*|*/freeradius/*) log "note: plugin $(basename "$f") lacks $(grep 'not found' <<<"$out" | awk '{print $1}' | tr '\n' ' ')";;
            *) die "$f: missing libraries: $(grep 'not found' <<<"$out" | tr -d '\t' | tr '\n' ' ')";;
        esac
    fi
    for lib in $(awk '/=> \//{print $3}' <<<"$out"); do
        cp -nL "$lib" "$STAGE/lib/x86_64-linux-gnu/"
    done
done
# libgcc_s and libm are what Rust binaries (rppp, the lab tools) need
# beyond libc; stage them.
for lib in libgcc_s.so.1 libm.so.6; do
    cp -nL "$ROOT/lib/x86_64-linux-gnu/$lib" "$STAGE/lib/x86_64-linux-gnu/"
done

# Kernel modules: each wanted module and its modules.dep closure.
depmod -b "$ROOT" "$KVER"
MD=$ROOT/lib/modules/$KVER
SMD=$STAGE/lib/modules/$KVER
mkdir -p "$SMD"
cp "$MD/modules.builtin" "$MD/modules.builtin.modinfo" "$MD/modules.order" "$SMD/"
for m in $MODULES; do
    line=$(grep -E "(^|/)$m\.ko(\.[a-z]+)?:" "$MD/modules.dep") || die "module $m not in $KVER"
    for p in ${line/:/}; do
        mkdir -p "$SMD/$(dirname "$p")"
        cp -n "$MD/$p" "$SMD/$p"
    done
done
depmod -b "$STAGE" "$KVER"
printf '%s\n' $MODULES > "$STAGE/etc/lab-modules"

# A minimal /etc and the lab's PID 1.
# rpcbind drops its privileges to _rpc.
printf 'root:x:0:0:root:/root:/bin/sh\n_rpc:x:100:65534::/run/rpcbind:/bin/false\n' > "$STAGE/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$STAGE/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files\n' > "$STAGE/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n' > "$STAGE/etc/hosts"
install -m755 "$LAB_DIR/guest/init" "$STAGE/init"
install -m644 "$LAB_DIR/guest/lib.sh" "$STAGE/lab/lib.sh"

( cd "$STAGE" && find . -print0 | LC_ALL=C sort -z |
    cpio --null -o -H newc --owner=0:0 --quiet ) > "$IMAGE/base.cpio.tmp"
mv "$IMAGE/base.cpio.tmp" "$IMAGE/base.cpio"
printf '%s\n' "$KVER" > "$IMAGE/kernel-version"
printf '%s\n' "$image_stamp" > "$IMAGE/stamp"
log "image ready: $(du -h "$IMAGE/base.cpio" | cut -f1) initramfs, kernel $KVER"
