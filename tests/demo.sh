#!/bin/sh
# A short demonstration, as a user would run it: two namespaces, a veth pair between them,
# a ping across, and everything removed again. It runs in a private mount and network
# namespace with its own /run, so nothing of the host is touched.
set -eu
bin=$(readlink -f "$1")
if [ "$(id -u)" != 0 ]; then echo "demo: needs root (namespaces)" >&2; exit 1; fi
command -v ip >/dev/null || { echo "demo: needs the system's ip for the veth pair" >&2; exit 1; }
exec unshare --mount --net --propagation private sh -eu -c '
netns=$1
mount -t tmpfs tmpfs /run
say() { printf "\n\$ %s\n" "$*"; "$@"; }
say "$netns" add ns1
say "$netns" add ns2
say "$netns" list
say ip link add veth1 type veth peer name veth2
say ip link set veth1 netns ns1
say ip link set veth2 netns ns2
say "$netns" exec ns1 ip addr add 198.18.0.1/24 dev veth1
say "$netns" exec ns2 ip addr add 198.18.0.2/24 dev veth2
say "$netns" exec ns1 ip link set veth1 up
say "$netns" exec ns2 ip link set veth2 up
say "$netns" exec ns1 ping -c 1 -W 2 198.18.0.2
say "$netns" -all delete
say "$netns" list
echo "demo: done, nothing left behind"
' sh "$bin"
