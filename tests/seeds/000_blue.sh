# Seed: shared/seeds/000_6dd088323ff34316.txt ("Linux Network Namespace", blue + veth0/veth1,
# addresses set with ifconfig).
# Substitutions: 192.168.200.0/24 -> 198.18.200.0/24 (.2 and .3 keep their host part).
# Dropped: sudo. Every ping is bounded (-W 2) and sends one packet (the seed: -c 1, or ^C).
# The seed's own failures (ifconfig veth1 in the wrong namespace, ping before veth0 has an
# address, ping of blue's own address while blue's lo is down) are kept, as steps that must fail.
# Busybox's ifconfig takes no ADDRESS/PREFIX: where it is busybox's, the seed's ifconfig fails
# and the same address with `netmask` follows (busybox_instead in lib.sh).
set -ex
. "$SEEDS_LIB"

# 1. 建立 Network Namespace
ip netns add blue
show ip netns list
is "blue"

# 2. 建立虛擬的網路介面與虛擬連線並加入到 Network Namespace
ip link add veth0 type veth peer name veth1
show ip link list
has "veth0"
has "veth1"
ip link set veth1 netns blue
show ip link list
has "veth0"
lacks "veth1"
show ip netns exec blue ip link list
has "veth1"
lacks "veth0"

# 3. 設定網路
fails ifconfig veth1
ip netns exec blue ifconfig veth1 198.18.200.3/24 up ||
	busybox_instead ifconfig "no /prefix" \
		ip netns exec blue ifconfig veth1 198.18.200.3 netmask 255.255.255.0 up
fails ping 198.18.200.3 -c 1 -W 2
ifconfig veth0 198.18.200.2/24 ||
	busybox_instead ifconfig "no /prefix" ifconfig veth0 198.18.200.2 netmask 255.255.255.0
ping 198.18.200.3 -c 1 -W 2
ip netns exec blue ping 198.18.200.2 -c 1 -W 2

# 問題: blue's lo is down, so blue cannot reach its own address
fails ip netns exec blue ping 198.18.200.3 -c 1 -W 2
# 問題解決
ip netns exec blue ifconfig lo up
ip netns exec blue ping 198.18.200.3 -c 1 -W 2
