#!/bin/sh
# The .deb as a user gets it: lintian finds nothing (beyond the overrides the package documents),
# it leaves the name ip to iproute2, dpkg installs it, netns runs from /usr/sbin, `man netns` reads its page, and `dpkg -r` takes
# every file away again. Needs root; the namespaces it makes live in a private mount namespace
# with its own /run, so the host's /run/netns is never touched.
set -eu
deb=$1
[ -f "$deb" ] || { echo "test-deb: no package $deb (run make deb first)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test-deb: needs root (dpkg -i)" >&2; exit 1; }
if dpkg-query -W -f '${Status}' netns 2>/dev/null | grep -q ' installed'; then
    echo "test-deb: a netns package is already installed here; not replacing it" >&2; exit 1
fi
fail() { echo "FAIL: $*" >&2; exit 1; }

if command -v lintian >/dev/null; then
    lintian --fail-on error,warning --info --display-info --pedantic "$deb" || fail "lintian"
    echo "ok: lintian"
else
    echo "skip: lintian is not installed"
fi

# The name ip stays iproute2's: the package installs no ip of its own.
! dpkg-deb -c "$deb" | grep -Eq '/ip$' || fail "the package installs an ip"
echo "ok: ip is left to iproute2"

dpkg -i "$deb" >/dev/null
echo "ok: dpkg -i $(basename "$deb")"
test "$(command -v netns)" = /usr/sbin/netns || fail "netns is not /usr/sbin/netns in PATH"
/usr/sbin/netns -V | grep -q '^netns' || fail "netns -V"
test -f /usr/share/bash-completion/completions/netns || fail "no bash completion"
man -P cat netns 2>/dev/null | grep -q 'ip netns' || fail "man netns"
echo "ok: netns -V, man netns, bash completion"

unshare --mount --propagation private sh -eu -c '
mount -t tmpfs tmpfs /run
netns add blue
test "$(netns list)" = blue
test "$(netns exec blue netns identify)" = blue
netns delete blue
test -z "$(netns list)"
' || fail "add, list, exec, delete from /usr/sbin/netns"
echo "ok: add, list, exec, identify, delete in a private /run"

dpkg -r netns >/dev/null
for f in /usr/sbin/netns /usr/share/man/man8/netns.8.gz /usr/share/bash-completion/completions/netns \
    /usr/share/doc/netns; do
    ! test -e "$f" || fail "$f is left after dpkg -r"
done
case $(dpkg-query -W -f '${Status}' netns 2>/dev/null || true) in
    *" installed") fail "dpkg still lists netns as installed" ;;
esac
echo "ok: dpkg -r removed everything"
