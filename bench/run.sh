#!/bin/sh
# make bench: builds the floors and the harness, then runs the harness as PID 1 of a private
# pid, mount and network namespace with a fresh tmpfs on /run. Everything it makes (namespaces,
# their mounts, the sleeping processes) lives only there and dies with it, even if it fails;
# the host's /run/netns and interfaces are never touched.
#
#     sh bench/run.sh BIN          QUICK=1 for a quick look (a fifth of the rounds); SCALE=1
#                                  adds batches of 100, 1,000 and 10,000 namespaces
#     sh bench/run.sh BIN OTHER... A/B: other builds of netns against BIN (up to three); with
#                                  SCALE=1 also batches of add (each build, ip and the floor)
set -eu
bin=$(readlink -f "$1")
shift
# The other builds, by absolute path: the harness runs them from elsewhere.
for other; do set -- "$@" "$(readlink -f "$other")"; shift; done
ip=${IP:-/sbin/ip}
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$here/.." && pwd)/target/bench
target=${TARGET:-x86_64-unknown-linux-musl}
[ "$(id -u)" = 0 ] || { echo "bench: needs root (namespaces)" >&2; exit 1; }
[ -x "$ip" ] || { echo "bench: needs iproute2's ip ($ip; IP=... to choose another)" >&2; exit 1; }
mkdir -p "$out"

# The floors: the syscalls `exec` needs and nothing else, those of a batch of `add`, and those
# of `identify`; a `true` (so the peak RSS of `exec` is ours, not /bin/true's) and a peak-RSS
# meter, all without libc; Rust's std as a static hello-world.
nolibc="-static -nostdlib -ffreestanding -fno-stack-protector -O2 -Wall"
gcc $nolibc -o "$out/floor" "$here/floor.c"
gcc $nolibc -o "$out/floor-add" "$here/floor-add.c"
gcc $nolibc -o "$out/floor-identify" "$here/floor-identify.c"
gcc -static -O2 -Wall -o "$out/floor-glibc" "$here/floor-glibc.c"
gcc $nolibc -o "$out/true0" "$here/true.c"
gcc $nolibc -o "$out/peak" "$here/peak.c"
gcc -O2 -Wall -o "$out/harness" "$here/harness.c"
# Its own workspace (bench/hello/Cargo.toml), with netns's release profile and target.
(cd "$here/hello" && CARGO_TARGET_DIR="$out/hello" ${CARGO:-cargo} build --quiet --release \
	--locked --target "$target")
strip -o "$out/netns.stripped" "$bin"
strip -o "$out/hello.stripped" "$out/hello/$target/release/hello"

flag() { case ${2:-0} in 0) ;; *) printf ', %s' "$1" ;; esac; }
echo "netns bench, $(date -u +%Y-%m-%d), $($ip -V | sed 's/^ip utility, //; s/,.*//'), $(nproc) CPUs, kernel $(uname -r)$(flag QUICK "${QUICK:-}")$(flag SCALE "${SCALE:-}")"
start=$(date +%s)
status=0
timeout --foreground -s KILL 1200 unshare --mount --net --pid --fork --kill-child --mount-proc \
	--propagation private sh -c 'mount -t tmpfs tmpfs /run && exec "$@"' sh \
	"$out/harness" "$bin" "$ip" "$out/floor" "$out/floor-glibc" "$out/floor-add" \
	"$out/floor-identify" "$out/true0" "$out/peak" "$out/netns.stripped" "$out/hello.stripped" \
	"$@" || status=$?
echo "($(($(date +%s) - start)) s)"
exit $status
