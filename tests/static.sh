#!/bin/sh
# The built binary is static and self-contained: it has no program interpreter and no shared
# libraries, and it runs in an empty chroot that holds only itself and /proc, where it can add,
# list, enter and delete a namespace. Runs in a private mount and network namespace.
set -eu
bin=$(readlink -f "$1")
if [ "$(id -u)" != 0 ]; then echo "static.sh: needs root" >&2; exit 1; fi
if readelf -lW "$bin" | grep -q 'INTERP'; then echo "FAIL: $bin has a program interpreter" >&2; exit 1; fi
if readelf -dW "$bin" | grep -q 'NEEDED'; then echo "FAIL: $bin needs shared libraries" >&2; exit 1; fi
echo "ok: $bin is static ($(stat -c %s "$bin") bytes)"
# src/layout.ld moves sections around: no segment may be both writable and executable, and
# the executable ones may hold nothing but code.
readelf -lW "$bin" | awk '
    /^Program Headers:/ { h = 1; next }
    h && /^ +[A-Z_]+ +0x/ { f = ""; for (i = 7; i < NF; i++) f = f $i
                            exec[n++] = f ~ /E/
                            if (f ~ /W/ && f ~ /E/) bad = bad " writable+executable"
                            next }
    /^ Section to Segment mapping:/ { h = 0; m = 1; next }
    m && /^ +[0-9]+ / { if (exec[$1 + 0]) for (i = 2; i <= NF; i++)
                            if ($i !~ /^\.(init|fini|text(\..*)?)$/)
                                bad = bad " " $i " executable" }
    END { if (bad != "") { print "FAIL: segments:" bad > "/dev/stderr"; exit 1 } }'
echo "ok: no writable code, no executable data"
# src/build.rs gave the linker src/layout.ld: start-up and exec's code, constants and variables
# in their own sections, and no RELRO (see README, Performance).
sections=$(readelf -SW "$bin")
for s in .text.hot .rodata.hot .bss.hot; do
    echo "$sections" | grep -q " $s " || { echo "FAIL: no $s section: src/layout.ld not applied" >&2; exit 1; }
done
if readelf -lW "$bin" | grep -q GNU_RELRO; then echo "FAIL: $bin has a RELRO segment" >&2; exit 1; fi
echo "ok: laid out by src/layout.ld"

exec unshare --mount --net --propagation private sh -eu -c '
bin=$1
# The chroot is a directory inside a tmpfs, so its / is not a mount point, as in a real chroot;
# detaching the tmpfs takes everything with it.
tmp=$(mktemp -d)
trap "umount -l \"\$tmp\"; rmdir \"\$tmp\"" EXIT
mount -t tmpfs tmpfs "$tmp"
root=$tmp/root
mkdir -p "$root/proc"
cp "$bin" "$root/netns"
mount -t proc proc "$root/proc"
run() { chroot "$root" /netns "$@"; }
run add blue
test "$(run list)" = blue || { echo "FAIL: list in the chroot" >&2; exit 1; }
# / is not a mount point here; exec must still run the command in the namespace.
test "$(run exec blue /netns identify)" = blue || { echo "FAIL: exec in the chroot" >&2; exit 1; }
run delete blue
test -z "$(run list)" || { echo "FAIL: delete in the chroot" >&2; exit 1; }
echo "ok: runs in an empty chroot with only /proc"
' sh "$bin"
