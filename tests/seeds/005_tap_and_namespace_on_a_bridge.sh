# Walkthrough of our own (no seed in shared/seeds): a lab bridge for a virtual machine and a
# container, as one builds it before starting qemu: br0 with the host's address, a tap device
# for the machine's network card, and a namespace joined through a veth pair; then the checks
# people type, `ip -br addr`, `ip link show type veth` and `ip tuntap show`, which busybox's ip
# lacks. Addresses from 198.18.5.0/24; the ping is bounded (-c 1 -W 2). No qemu: the tap device
# stays without a reader, so it has no carrier.
set -ex
. "$SEEDS_LIB"

# The bridge, and the host's address on it
ip link add br0 type bridge
ip addr add 198.18.5.1/24 dev br0
ip link set br0 up

# The machine's network card: a tap device on the bridge, owned by the user who runs qemu
ip tuntap add dev tap0 mode tap user 1000
ip link set tap0 master br0
ip link set tap0 up
show ip tuntap show
is "tap0: tap persist user 1000"

# The container: a namespace with one end of a veth pair, the other end on the bridge
ip netns add lab
ip link add veth0 type veth peer name veth1
ip link set veth1 netns lab
ip link set veth0 master br0
ip link set veth0 up
ip -n lab addr add 198.18.5.2/24 dev veth1
ip -n lab link set veth1 up
ip -n lab link set lo up
ping -c 1 -W 2 198.18.5.2

# What is there. The kernel settles a link's state within a second (its link watch): the
# bridge UP once a port is up, the tap without a reader DOWN. Wait for that, as one would,
# for at most 5 seconds.
settled() {
	ip -br link show dev br0 | grep -q ' UP ' && ip -br link show dev tap0 | grep -q ' DOWN '
}
for _ in $(seq 50); do settled && break; sleep 0.1; done
show ip -br addr
has "br0" "UP" "198.18.5.1/24"
has "tap0" "DOWN"
show ip link show type veth
has "veth0@if" "master br0" "state UP"
lacks "tap0"
lacks "br0:"
show ip -n lab -br addr
has "veth1@if" "UP" "198.18.5.2/24"

# Done with the machine
ip tuntap del dev tap0 mode tap
show ip tuntap show
is ""
ip link del br0
ip netns del lab
