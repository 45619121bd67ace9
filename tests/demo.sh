#!/bin/sh
# A short demonstration, as a user would run it: two namespaces, a veth pair between them,
# a ping across, and everything removed again. The binary alone does it, installed as `ip`
# on a PATH where there is no other ip (ping comes from the system). It runs in a private
# mount and network namespace with its own /run, so nothing of the host is touched.
set -eu
bin=$(readlink -f "$1")
if [ "$(id -u)" != 0 ]; then echo "demo: needs root (namespaces)" >&2; exit 1; fi
exec unshare --mount --net --propagation private sh -eu -c '
# Opened before the tmpfs covers /run, where the checkout may be; copied in as `ip`.
exec 3<"$1"
mount -t tmpfs tmpfs /run
ping=$(command -v ping) || { echo "demo: needs ping" >&2; exit 1; }
mkdir /run/bin && cat <&3 >/run/bin/ip && chmod 755 /run/bin/ip && exec 3<&- && PATH=/run/bin
say() { printf "\n\$ %s\n" "$*"; "$@"; }
say ip netns add ns1
say ip netns add ns2
say ip netns list
say ip link add veth1 type veth peer name veth2
say ip link set veth1 netns ns1
say ip link set veth2 netns ns2
say ip -n ns1 addr add 198.18.0.1/24 dev veth1
say ip -n ns2 addr add 198.18.0.2/24 dev veth2
say ip -n ns1 link set veth1 up
say ip -n ns2 link set veth2 up
say ip netns exec ns1 "$ping" -c 1 -W 2 198.18.0.2
say ip -all netns delete
say ip netns list
echo "demo: done, nothing left behind"
' sh "$bin"
