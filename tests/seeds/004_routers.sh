# Seed: shared/seeds/004_0be6d2390c664ca1.txt ("network namespaceで遊ぶ": host1 - router1 -
# router2 - host2, veth pairs made directly inside the namespaces with `netns` on both ends).
# Substitutions: 10.0.0.0/24 -> 198.18.0.0/24, 10.0.1.0/24 -> 198.18.1.0/24,
# 10.0.2.0/24 -> 198.18.2.0/24 (host parts kept).
# Ping bounded: -c 1 -W 2 where the seed has -c 10; the check is the seed's TTL of 62 (64 less
# the two routers) and the seed's arp check (host1 knows router1's e1 by its MAC).
set -ex
. "$SEEDS_LIB"

# create network namespaces
ip netns add router1
ip netns add router2
ip netns add host1
ip netns add host2

# create cable(veth pairs)
ip link add eth0 netns host1 type veth peer name e1 netns router1
ip link add e0 netns router1 type veth peer name e0 netns router2
ip link add e1 netns router2 type veth peer name eth0 netns host2

# set IP address: host1
ip netns exec host1 ip addr add 198.18.1.10/24 dev eth0

# set IP address: host2
ip netns exec host2 ip addr add 198.18.2.10/24 dev eth0

# set IP address: router1
ip netns exec router1 sysctl -w net.ipv4.ip_forward=1
ip netns exec router1 ip addr add 198.18.0.1/24 dev e0
ip netns exec router1 ip addr add 198.18.1.1/24 dev e1

# set IP address: router2
ip netns exec router2 sysctl -w net.ipv4.ip_forward=1
ip netns exec router2 ip addr add 198.18.0.2/24 dev e0
ip netns exec router2 ip addr add 198.18.2.1/24 dev e1

# linkup & set routes (routes can not be set before linkup.)
ip netns exec router1 ip link set lo up
ip netns exec router1 ip link set e1 up
ip netns exec router1 ip link set e0 up

ip netns exec router2 ip link set lo up
ip netns exec router2 ip link set e0 up
ip netns exec router2 ip link set e1 up

ip netns exec host1 ip link set lo up
ip netns exec host1 ip link set eth0 up

ip netns exec host2 ip link set lo up
ip netns exec host2 ip link set eth0 up

ip netns exec router1 ip route add default via 198.18.0.2
ip netns exec router2 ip route add default via 198.18.0.1
ip netns exec host1 ip route add default via 198.18.1.1
ip netns exec host2 ip route add default via 198.18.2.1

# ping: two routers on the way, TTL 64 arrives as 62
show ip netns exec host1 ping -c 1 -W 2 198.18.2.10
has "ttl=62"

# arp: host1 has resolved router1's e1
show ip netns exec host1 arp -an
arp=$shown
has "(198.18.1.1) at "
show ip netns exec router1 ip link show e1
mac=$(printf '%s\n' "$shown" | sed -n 's|.*link/ether \([0-9a-f:]*\) .*|\1|p')
[ -n "$mac" ]
shown=$arp
has "(198.18.1.1) at $mac"

# お掃除
ip netns exec host1 ip link del eth0
ip netns exec router1 ip link del e0
ip netns exec router2 ip link del e1
ip netns del host1
ip netns del host2
ip netns del router1
ip netns del router2
show ip netns list
is ""
