# Seed: shared/seeds/001_d377be11391a2333.txt, "Communicate using Linux Bridge"
# (h1/h2/h3, bridge s1 made with brctl, veth1..3 / br1..3, `ip -n`).
# Substitutions: 192.168.1.0/24 -> 198.18.1.0/24 (host parts kept).
# `brctl show`: Debian's busybox brctl is built without `show` (and Debian's bridge-utils is
# not installed), so each port's `master s1` is also checked in `ip link show PORT`.
# Ping bounded: -c 1 -W 2 where the seed has -c 2.
set -ex
. "$SEEDS_LIB"

# create network namespace
ip netns add h1
ip netns add h2
ip netns add h3
# create bridge
brctl addbr s1

# create veth pair
ip link add veth1 type veth peer name br1
ip link add veth2 type veth peer name br2
ip link add veth3 type veth peer name br3
# add interface to namespace
ip link set veth1 netns h1
ip link set veth2 netns h2
ip link set veth3 netns h3
# add interface to bridge(s1)
brctl addif s1 br1
brctl addif s1 br2
brctl addif s1 br3
# check
brctl show || echo "(this brctl has no show)"
for port in br1 br2 br3; do
	show ip link show $port
	has "master s1"
done

# Config veth pair and bridge
ip -n h1 addr add local 198.18.1.1/24 dev veth1
ip -n h2 addr add local 198.18.1.2/24 dev veth2
ip -n h3 addr add local 198.18.1.3/24 dev veth3

ip link set s1 up
ip link set br1 up
ip link set br2 up
ip link set br3 up
ip -n h1 link set veth1 up
ip -n h2 link set veth2 up
ip -n h3 link set veth3 up

# ping
ip netns exec h1 ping 198.18.1.2 -c 1 -W 2
