#!/bin/sh
# Boot test: Debian's cloud kernel (from the linux-image-cloud-amd64 package, fetched with
# apt-get download and unpacked, never installed) boots under qemu-system-x86_64 with software
# emulation (KVM does not work on our machines) into an initramfs of busybox-static, netns as
# /bin/netns and /bin/ip, veth.ko and packaging/vm/init. The init script's verdict on the
# serial console decides the exit status; the whole boot is bounded by VM_TIMEOUT seconds.
#   vm-test.sh BINARY WORKDIR      (VM_LINKS=1 makes the veth walkthrough a gate too)
set -eu
bin=$(readlink -f "$1")
work=$2
here=$(cd "$(dirname "$0")" && pwd)
timeout=${VM_TIMEOUT:-300}
fail() { echo "vm-test: $*" >&2; exit 1; }
for tool in qemu-system-x86_64 cpio dpkg-deb apt-get; do
    command -v $tool >/dev/null || fail "$tool missing: apt-get install --no-install-recommends qemu-system-x86 busybox-static cpio"
done
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || fail "no $busybox: apt-get install busybox-static"
if readelf -lW "$busybox" 2>/dev/null | grep -q INTERP; then
    fail "$busybox is dynamically linked: apt-get install busybox-static"
fi
mkdir -p "$work"
work=$(readlink -f "$work")

# The kernel, once: the newest linux-image-*-cloud-amd64 the package index knows.
kroot=$work/kernel
if ! ls "$kroot"/boot/vmlinuz-* >/dev/null 2>&1; then
    kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
    [ -n "$kpkg" ] || fail "no linux-image-cloud-amd64 in the package index (apt-get update first)"
    rm -rf "$work/deb" "$kroot" && mkdir -p "$work/deb"
    (cd "$work/deb" && apt-get download -q "$kpkg") || fail "apt-get download $kpkg"
    dpkg-deb -x "$work/deb/${kpkg}"_*.deb "$kroot"
    rm -rf "$work/deb"
fi
kernel=$(ls "$kroot"/boot/vmlinuz-* | head -n 1)
veth=$(find "$kroot/lib/modules" "$kroot/usr/lib/modules" -name 'veth.ko*' 2>/dev/null | head -n 1)
[ -n "$veth" ] || fail "no veth.ko in $kroot"

# The initramfs.
root=$work/rootfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp" "$root/var" \
    "$root/lib/modules"
cp "$busybox" "$root/bin/busybox"
cp "$bin" "$root/bin/netns"
ln -s ../run "$root/var/run"
case $veth in
    *.ko) cp "$veth" "$root/lib/modules/veth.ko" ;;
    *.ko.xz) xz -dc "$veth" >"$root/lib/modules/veth.ko" ;;
    *.ko.zst) zstd -dc "$veth" >"$root/lib/modules/veth.ko" ;;
esac
install -m 0755 "$here/init" "$root/init"
(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$work/initramfs.cpio.gz"
echo "vm-test: $(basename "$kernel"), initramfs $(stat -c %s "$work/initramfs.cpio.gz") bytes, links gate ${VM_LINKS:-0}"

log=$work/console.log
start=$(date +%s)
timeout "$timeout" qemu-system-x86_64 -accel tcg -m 256 -smp 1 -nodefaults -nographic -no-reboot \
    -serial stdio -kernel "$kernel" -initrd "$work/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 quiet netns.links=${VM_LINKS:-0}" </dev/null |
    tr -d '\r' >"$log" || true
echo "vm-test: qemu ran $(($(date +%s) - start)) s"
sed -n '/=== NETNS-VM START/,/=== NETNS-VM RC=/p' "$log"
if grep -qx '=== NETNS-VM RC=0' "$log"; then
    echo "vm-test: PASS"
elif grep -q '=== NETNS-VM RC=' "$log"; then
    fail "FAIL (console log: $log)"
else
    tail -n 30 "$log" >&2
    fail "no verdict on the console within ${timeout} s (console log: $log)"
fi
