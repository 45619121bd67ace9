# Seed: shared/seeds/003_859103291b637b47.txt ("Linux虚拟网络技术学习": ns0/ns1 joined by a veth
# pair named by the kernel, then ns0/ns1/ns2 on a docker0-like bridge, each end renamed eth0
# inside its namespace).
# Substitutions: 192.168.1.0/24 -> 198.18.1.0/24, 172.17.0.0/16 -> 198.19.0.0/16 (host parts
# kept: 172.17.0.1 -> 198.19.0.1, 172.17.0.101 -> 198.19.0.101, ...).
# Dropped: the prompt; the interactive `/bin/bash` (and `--rcfile <(...)`) sessions become `sh`
# reading the same commands from a here-document. Pings bounded: -c 1 -W 2.
# Shown only as screenshots in the seed, written out here: the ping across the first pair,
# `brctl show` (each port's `master docker0` in `ip link show PORT` instead: Debian's busybox
# brctl has no `show`).
# The seed says "创建3对veth pair" and lists veth0..veth5 but shows `ip link add type veth`
# once: it is run three times. Its copy-paste slips for ns1 and ns2 (`veth1`/`veth3`/`veth5`
# on the host side after they were moved away, `ns1` for ns2) are kept as steps that must fail
# (or, for the harmless `ns1` one, succeed), each followed by what the seed means.
# Busybox's ifconfig takes no ADDRESS/PREFIX: where it is busybox's, the seed's ifconfig fails
# and the same address with `netmask` follows (busybox_instead in lib.sh).
set -ex
. "$SEEDS_LIB"

show ip netns help || [ $? = 255 ]
has "netns exec"

# 创建Network Namespace
ip netns add ns0
show ip netns list
is "ns0"
show ls /var/run/netns/
is "ns0"

# 操作Network Namespace
show ip netns exec ns0 ip addr
has "lo"
lacks "127.0.0.1"
ip netns exec ns0 ip link set lo up
show ip netns exec ns0 ip addr
has "inet 127.0.0.1/8"
ip netns exec ns0 sh <<'SHELL'
ip addr
exit
SHELL

# Network Namespace 之间的通信
ip link add type veth
show ip link
has "veth0"
has "veth1"
ip link add veth001 type veth peer name veth002
show ip link
has "veth001"
has "veth002"

ip netns add ns1
show ip netns list
is "ns1
ns0"

ip link set veth0 netns ns0
ip link set veth1 netns ns1

ip netns exec ns0 ip addr add 198.18.1.1/24 dev veth0
ip netns exec ns0 ip link set veth0 up

ip netns exec ns1 ip addr add 198.18.1.2/24 dev veth1
ip netns exec ns1 ip link set veth1 up

# 5、查看这对veth pair的状态 / 6、验证两个Network Namespace之间的互通 (screenshots)
ip netns exec ns0 ip addr
ip netns exec ns1 ip addr
ip netns exec ns0 ping -c 1 -W 2 198.18.1.2
ip netns exec ns1 ping -c 1 -W 2 198.18.1.1

# 网桥: 0、还原网络环境
ip netns delete ns0
ip netns delete ns1
# 1、创建3个Network Namespace
ip netns add ns0
ip netns add ns1
ip netns add ns2
# 2、创建3对veth pair
ip link add type veth
ip link add type veth
ip link add type veth
show ip link
for n in 0 1 2 3 4 5; do has "veth$n"; done

# 3、创建网桥
ip link add docker0 type bridge
ip link set dev docker0 up
ifconfig docker0 198.19.0.1/16 ||
	busybox_instead ifconfig "no /prefix" ifconfig docker0 198.19.0.1 netmask 255.255.0.0

# 4、绑定网口: 1) ns0
ip link set dev veth1 netns ns0
ip netns exec ns0 ip link set dev veth1 name eth0
ip netns exec ns0 ip addr add 198.19.0.101/16 dev eth0
ip netns exec ns0 ip link set dev eth0 up
ip link set dev veth0 master docker0
ip link set dev veth0 up

# 2) ns1
ip link set dev veth3 netns ns1
ip netns exec ns1 ip link set dev veth3 name eth0
ip netns exec ns1 ip addr add 198.19.0.102/16 dev eth0
ip netns exec ns1 ip link set dev eth0 up
fails ip link set dev veth1 master docker0
fails ip link set dev veth3 up
ip link set dev veth2 master docker0
ip link set dev veth2 up

# 2) ns2
ip link set dev veth5 netns ns2
ip netns exec ns2 ip link set dev veth5 name eth0
ip netns exec ns2 ip addr add 198.19.0.103/16 dev eth0
ip netns exec ns1 ip link set dev eth0 up
fails ip link set dev veth5 master docker0
fails ip link set dev veth5 up
ip netns exec ns2 ip link set dev eth0 up
ip link set dev veth4 master docker0
ip link set dev veth4 up

# 5、查看绑定端口 (brctl show, a screenshot)
for port in veth0 veth2 veth4; do
	show ip link show $port
	has "master docker0"
done

# 6、验证多个namespace之间的通信
ip netns exec ns0 sh -e <<'SHELL'
ping -c 1 -W 2 198.19.0.1
ping -c 1 -W 2 198.19.0.102
ping -c 1 -W 2 198.19.0.103
SHELL
