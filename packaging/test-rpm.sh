#!/bin/sh
# The .rpm installs into a throwaway root (its own rpm database, no scripts need the host), has
# the files the spec lists (and no ip: that name stays iproute2's) and no dependency on glibc,
# runs from there, and erases cleanly.
# Needs root for the private mount namespace the run happens in.
set -eu
rpmfile=$1
[ -f "$rpmfile" ] || { echo "test-rpm: no package $rpmfile (run make rpm first)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test-rpm: needs root" >&2; exit 1; }
fail() { echo "FAIL: $*" >&2; exit 1; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# Debian's rpm asks to be told that installing with it is meant.
rpm() { command rpm $(command rpm --force-debian -q rpm >/dev/null 2>&1 && echo --force-debian) "$@"; }

requires=$(rpm -qp --requires "$rpmfile" | grep -v '^rpmlib(' || true)
[ -z "$requires" ] || fail "the package requires: $requires"
echo "ok: no run-time requirements"

# The name ip stays iproute2's: the package installs no ip of its own.
! rpm -qlp "$rpmfile" | grep -Eq '/ip$' || fail "the package installs an ip"
echo "ok: ip is left to iproute2"

rpm --root "$root" --dbpath /var/lib/rpm --initdb
rpm --root "$root" --dbpath /var/lib/rpm -i --nodeps "$rpmfile"
for f in /usr/sbin/netns /usr/share/man/man8/netns.8 /usr/share/bash-completion/completions/netns; do
    ls "$root$f"* >/dev/null 2>&1 || fail "$f is not installed"
done
rpm --root "$root" --dbpath /var/lib/rpm -V netns || fail "rpm -V"
echo "ok: rpm -i into $root, files present and verified"

"$root/usr/sbin/netns" -V | grep -q '^netns' || fail "netns -V"
unshare --mount --propagation private sh -eu -c '
mount -t tmpfs tmpfs /run
n=$1/usr/sbin/netns
$n add blue
test "$($n list)" = blue
$n delete blue
test -z "$($n list)"
' sh "$root" || fail "add, list, delete with the installed binary"
echo "ok: the installed binary adds, lists and deletes"

rpm --root "$root" --dbpath /var/lib/rpm -e netns
! rpm --root "$root" --dbpath /var/lib/rpm -q netns >/dev/null || fail "still installed after rpm -e"
left=$(find "$root/usr" -type f 2>/dev/null || true)
[ -z "$left" ] || fail "left after rpm -e: $left"
echo "ok: rpm -e removed everything"
