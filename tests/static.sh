#!/bin/sh
# The built binary is static, hardened and self-contained: it has no program interpreter and no
# shared libraries, it is a static-pie whose RELRO is read-only at run time, and it runs in an empty chroot that holds only itself and /proc, where it can add,
# list, enter and delete a namespace. Runs in a private mount and network namespace.
#
#     static.sh BIN [no-chroot]    no-chroot: under qemu-user (packaging/cross.sh), whose
#                                  netlink has no namespace ids for `list`, stop before the chroot
set -eu
bin=$(readlink -f "$1")
if [ "$(id -u)" != 0 ]; then echo "static.sh: needs root" >&2; exit 1; fi
if readelf -lW "$bin" | grep -q 'INTERP'; then echo "FAIL: $bin has a program interpreter" >&2; exit 1; fi
if readelf -dW "$bin" | grep -q 'NEEDED'; then echo "FAIL: $bin needs shared libraries" >&2; exit 1; fi
echo "ok: $bin is static ($(stat -c %s "$bin") bytes)"
# Hardened as rustup's musl targets link it: a static-pie (ELF type DYN, so the kernel loads it
# at a random address), a RELRO segment, a stack that is not executable, and no segment both
# writable and executable.
headers=$(readelf -hlW "$bin")
echo "$headers" | grep -q 'Type: *DYN' || { echo "FAIL: $bin is not position-independent (no ASLR)" >&2; exit 1; }
echo "$headers" | grep -q GNU_RELRO || { echo "FAIL: $bin has no RELRO segment" >&2; exit 1; }
echo "$headers" | awk '
    /^ +[A-Z_]+ +0x/ { f = ""; for (i = 7; i < NF; i++) f = f $i
                       if ($1 == "GNU_STACK") stack = 1
                       if ($1 == "GNU_STACK" && f ~ /E/) bad = bad " executable-stack"
                       if (f ~ /W/ && f ~ /E/) bad = bad " writable+executable(" $1 ")" }
    END { if (!stack) bad = bad " no-GNU_STACK"
          if (bad != "") { print "FAIL: segments:" bad > "/dev/stderr"; exit 1 } }'
echo "ok: static-pie, RELRO, non-executable stack, no writable code"

# RELRO is read-only while netns runs, not only declared: musl's static start-up leaves it
# writable, and netns protects it itself. A batch line runs its command in a child, so that
# command can read the maps of the netns process that waits for it.
relro=$(echo "$headers" | awk '$1 == "GNU_RELRO" { print $3, $6 }')
unshare --mount --net --propagation private sh -eu -c '
bin=$1 relro=$2
mount -t tmpfs tmpfs /run
printf "#!/bin/sh\ncat /proc/\$PPID/maps\n" >/run/maps && chmod +x /run/maps
"$bin" add blue
echo "exec blue /run/maps" | "$bin" -b - | awk -v bin="$bin" -v relro="$relro" "
    function hex(s,  i, n) { sub(/^0x/, \"\", s); n = 0
        for (i = 1; i <= length(s); i++) n = n * 16 + index(\"0123456789abcdef\", substr(s, i, 1)) - 1
        return n }
    \$6 == bin { split(\$1, r, \"-\"); lo = hex(r[1]); hi = hex(r[2])
                 if (hex(\$3) == 0) base = lo
                 los[n] = lo; his[n] = hi; perms[n] = \$2; line[n++] = \$0 }
    END { split(relro, v, \" \"); start = base + hex(v[1]); end = start + hex(v[2])
          start -= start % 4096; end -= end % 4096
          if (n == 0 || end <= start) { print \"FAIL: no RELRO pages in the maps\" > \"/dev/stderr\"; exit 1 }
          for (i = 0; i < n; i++) if (los[i] < end && his[i] > start && perms[i] ~ /w/) {
              print \"FAIL: RELRO is writable at run time: \" line[i] > \"/dev/stderr\"; exit 1 } }"
' sh "$bin" "$relro"
echo "ok: RELRO is read-only at run time"
[ "${2:-}" != no-chroot ] || exit 0

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
# Standard output closed, and no /dev/null to stand in for it: the output that cannot be written
# is still reported (the stand-in is a pipe, which needs no file system).
if err=$(run -V 2>&1 >&-); then echo "FAIL: -V into a closed stdout succeeded" >&2; exit 1; fi
test "$err" = "write failed: Bad file descriptor" || { echo "FAIL: -V into a closed stdout: $err" >&2; exit 1; }
echo "ok: runs in an empty chroot with only /proc"
' sh "$bin"
