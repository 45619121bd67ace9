# Seed: shared/seeds/001_d377be11391a2333.txt, "Communication Between Two Namespaces"
# (ns1/ns2, veth_ns1/veth_ns2, `ip --all netns exec`, `ip -n`).
# Substitutions: 192.168.20.0/24 -> 198.18.20.0/24 and 192.168.20.2/21 -> 198.18.20.2/21
# (host parts kept; the /21 network 192.168.16.0 becomes 198.18.16.0).
# Ping bounded: -c 1 -W 2 where the seed has -c 4.
set -ex
. "$SEEDS_LIB"

show ip netns help || [ $? = 255 ]
has "netns exec"

# 创建网络命名空间
ip netns add ns1
ip netns add ns2

# 创建虚拟网卡
ip link add veth_ns1 type veth peer name veth_ns2
ip link set veth_ns1 netns ns1
ip link set veth_ns2 netns ns2
# 检测network namespace中的网卡
show ip --all netns exec ip link
has "netns: ns2" "veth_ns2" "netns: ns1" "veth_ns1"

# 为网络接口添加 IP 地址
ip netns exec ns1 ip addr add 198.18.20.1/24 dev veth_ns1
ip netns exec ns2 ip addr add 198.18.20.2/21 dev veth_ns2
# 激活设备,使其可以接收和发送数据包
ip -n ns1 link set veth_ns1 up
ip -n ns1 link set lo up
ip -n ns2 link set veth_ns2 up
ip -n ns2 link set lo up

# config route table
ip netns exec ns1 ip route add default via 198.18.20.1 dev veth_ns1
ip netns exec ns2 ip route add default via 198.18.20.2 dev veth_ns2
show ip --all netns exec route -n
shown=$(printf '%s\n' "$shown" | tr -s ' ')
has "netns: ns2" \
	"0.0.0.0 198.18.20.2 0.0.0.0 UG 0 0 0 veth_ns2" \
	"198.18.16.0 0.0.0.0 255.255.248.0 U 0 0 0 veth_ns2" \
	"netns: ns1" \
	"0.0.0.0 198.18.20.1 0.0.0.0 UG 0 0 0 veth_ns1" \
	"198.18.20.0 0.0.0.0 255.255.255.0 U 0 0 0 veth_ns1"

# ping between two network namespace
ip netns exec ns1 ping 198.18.20.2 -c 1 -W 2
