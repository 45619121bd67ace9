# Seed: shared/seeds/002_2c82815470742062.txt ("Network namespace挺有趣": ns1/ns2 joined by the
# veth pair tap1/tap2, then how pipework gives a container's namespace a name).
# Substitutions: 2.2.2.0/24 -> 198.18.2.0/24, 10.10.10.0/24 -> 198.18.10.0/24 (host parts kept).
# Dropped: tcpdump and xterm (interactive/GUI), `pipework ...` and docker itself, ovs-vsctl.
# The container is a process we start in a network namespace of its own (`unshare -n sleep`);
# its pid plays the seed's 14806. pipework's steps the seed leaves out are written out and
# marked (made by pipework): creating br0, bringing eth1 up; the ping to the container is the
# check. Pings are bounded: -c 1 -W 2.
set -ex
. "$SEEDS_LIB"

# A simple example
ip netns add ns1
ip netns add ns2
show ls /var/run/netns
is "ns1
ns2"

ip link add name tap1 type veth peer name tap2
ip link set tap1 netns ns1
ip link set tap2 netns ns2

ip netns exec ns1 ip addr add 198.18.2.1/24 dev tap1
ip netns exec ns1 ip link set tap1 up

ip netns exec ns2 ip addr add 198.18.2.2/24 dev tap2
ip netns exec ns2 ip link set tap2 up

ip netns exec ns1 ping 198.18.2.2 -c 1 -W 2

# How pipework works with Docker container: the "container"
unshare -n sleep 1000 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
# unshare(2) happens after the fork: wait (bounded) until the process has its own namespace.
tries=0
while [ "$(readlink /proc/$pid/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
	tries=$((tries + 1))
	[ $tries -lt 5000 ] || { echo "seeds: $pid never left our namespace" >&2; exit 1; }
done

ln -s /proc/$pid/ns/net /var/run/netns/$pid
show ip netns list
has "$pid"

# (made by pipework) br0 does not exist yet: pipework creates a Linux bridge
ip link add br0 type bridge
ip link set br0 up
ip addr add 198.18.10.1/24 dev br0

ip link add name veth1pl$pid mtu 1500 type veth peer name veth1pg$pid mtu 1500
## if br0 is linux bridge
ip link set veth1pl$pid master br0 || brctl addif br0 veth1pl$pid
## bring it up
ip link set veth1pl$pid up

ip link set veth1pg$pid netns $pid
ip netns exec $pid ip link set veth1pg$pid name eth1
ip netns exec $pid ip add add 198.18.10.9/24 dev eth1
# (made by pipework) ...
ip netns exec $pid ip link set eth1 up
ping -c 1 -W 2 198.18.10.9

# pipework removes the symlink again
rm /var/run/netns/$pid
show ip netns list
lacks "$pid"
