#!/bin/sh
# Cross builds, run under qemu-user.
#   cross.sh check TARGET   rustup's std for TARGET, linked statically by rust-lld for the musl
#                           targets (no cross gcc; aarch64 as a static-pie, through
#                           packaging/static-pie-ld) or by Debian's cross gcc for glibc ones; then
#                           the man page lint, a static check (and tests/static.sh's hardening
#                           checks for aarch64), the unit tests and the integration
#                           suite (as root) with every TARGET binary run by qemu, less the tests
#                           qemu-user cannot support (QEMU_SKIPS, and BE_SKIPS on big-endian
#                           targets), and a smoke run.
#   cross.sh armv7          armv7-unknown-linux-musleabihf, best effort: rustup has no prebuilt
#                           std for it on our mirror, so std is rebuilt (-Z build-std) and linked
#                           as a static-pie by Debian's musl-dev:armhf gcc wrapper, through
#                           packaging/static-pie-cc; unit tests, tests/static.sh's static and
#                           hardening checks and a smoke run, then the same for `make tiny`.
#   cross.sh run QEMU BIN [ARG...]
#                           how cargo runs each test binary here (its runner): under QEMU, for at
#                           most CROSS_TEST_LIMIT seconds (default 300).
# The test binaries and the netns they start run through binfmt_misc (mounted here if needed),
# so the tests' own fork and exec of the binary work as on the device.
#
# qemu-user and a multi-threaded test runner do not mix well: a child that the runner forked
# once stopped for good on a futex before it could exec (all_exec), and CI waited until its outer
# timeout. So under qemu the tests run one at a time (RUST_TEST_THREADS=1, as --test-threads=1;
# libtest then prints each test's name before it starts, so the last name printed is the one
# that hung), and every test binary is killed, with its process group, after CROSS_TEST_LIMIT
# seconds.
set -eu

if [ "${1:-}" = run ]; then
    qemu=$2 && shift 2
    limit=${CROSS_TEST_LIMIT:-300}
    status=0 && timeout -k 10 "$limit" "$qemu" "$@" || status=$?
    if [ "$status" = 124 ] || [ "$status" = 137 ]; then
        echo "cross: ${1##*/} still ran after ${limit}s under $qemu and was killed: it hung in" \
            "the last test named above" >&2
    fi
    exit "$status"
fi

cd "$(dirname "$0")/.."
fail() { echo "cross: $*" >&2; exit 1; }
# cargo splits its runner and RUSTFLAGS at spaces, and both name files in this checkout.
case $PWD in *[[:space:]]*) fail "$PWD: cross builds need a checkout path without spaces" ;; esac

qemu_for() {
    case $1 in
        aarch64-*) echo aarch64 ;;
        armv7-* | arm-*) echo arm ;;
        riscv64*) echo riscv64 ;;
        s390x-*) echo s390x ;;
        powerpc64-*) echo ppc64 ;;
        *) fail "no qemu-user mapping for $1" ;;
    esac
}

binfmt() {
    q=$1
    command -v "qemu-$q-static" >/dev/null || fail "qemu-$q-static missing: apt-get install qemu-user-static binfmt-support"
    [ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    if ! grep -qs '^enabled' "/proc/sys/fs/binfmt_misc/qemu-$q"; then
        update-binfmts --enable "qemu-$q" || fail "update-binfmts --enable qemu-$q"
    fi
    grep -q '^flags: .*F' "/proc/sys/fs/binfmt_misc/qemu-$q" ||
        echo "cross: warning: qemu-$q is registered without the F flag; chroot tests may fail" >&2
}

# cargo's runner for TARGET: this script's `run`, so every test binary is bounded in time.
runner() {
    upper=$(echo "$1" | tr 'a-z-' 'A-Z_')
    export "CARGO_TARGET_${upper}_RUNNER=sh $PWD/packaging/cross.sh run qemu-$2-static"
}

# The binary on its own: version, and add/list/exec/delete in a private mount namespace.
smoke() {
    bin=$(readlink -f "$1")
    "$bin" -V
    unshare --mount --net --propagation private sh -eu -c '
        mount -t tmpfs tmpfs /run
        $1 add blue
        test -e /run/netns/blue || test -e /var/run/netns/blue
        test "$($1 exec blue $1 identify)" = blue
        $1 exec blue sleep 30 & sleeper=$!
        # The sleeper is in blue once netns has exec-ed sleep; under qemu that takes a while.
        tries=0
        until [ "$($1 pids blue)" = "$sleeper" ]; do
            tries=$((tries + 1))
            [ $tries -lt 100 ] || { echo "pids blue: not $sleeper after 10 s" >&2; exit 1; }
            sleep 0.1
        done
        kill $sleeper
        $1 delete blue
        test -z "$($1 list)"
    ' sh "$bin" || fail "smoke run of $bin"
    echo "ok: $bin runs under qemu: -V, add, exec, identify, pids, delete, list"
}

# qemu-user (7.2) translates the netlink messages for links and addresses but not those for
# namespace ids: RTM_NEWNSID and RTM_GETNSID come back as EOPNOTSUPP ("RTNETLINK answers:
# Operation not supported"). `list` asks for the id of every name, `set` and `list-id` are
# those messages, so these integration tests cannot pass under qemu-user (they pass natively
# and in `make vm-test`), and neither can the seed walkthroughs (tests/seeds), which list.
# old_kernels:: also emulates kernels with a seccomp filter and strace, which would meet
# qemu's own system calls rather than the program's; so do the fault injection (faults::, and
# the strace cases of crash:: and add_in_place::). qemu-user cannot make a child that shares
# our memory without being a thread (clone with CLONE_VM: EINVAL), which is how an add in a
# batch inside a user namespace makes its namespace (crash::, add_in_place::). The link dumps
# that the link, address and tuntap listings ask for (RTM_GETLINK with NLM_F_DUMP) are not
# answered to their end under qemu-user 7.2 (seen: the listing waits until the test's limit
# kills it), so show:: and tuntap:: cannot run there; they pass natively. session:: lists
# (nsids), and so do the output failures of silent_errors:: (/dev/full, the file-size limit),
# whose namespace has an id. Limits on descriptors and address space (robustness::) meet qemu's
# own needs before the program's.
QEMU_SKIPS="seeds:: add::parallel_adds batch::batch_lines dispatch::bare_netns_and_output_options
dispatch::subcommand_prefixes list::list_formats list::set_then_list list::set_errors
list_id:: names::non_utf8_name netns_option::netns_option
robustness::closed_pipe_ends_quietly robustness::unprivileged
walkthrough::two_namespaces_ping_across_a_veth_pair old_kernels:: planted::fifos_are_not_waited_on
silent_errors::batch_files_that_cannot_be_read silent_errors::batch_read_error_midway
silent_errors::closed_stdout_is_an_error silent_errors::json_of_names_that_are_not_utf8
silent_errors::unreadable_run_dir silent_errors::list_when_entries_cannot_be_opened
silent_errors::full_stdout_is_an_error silent_errors::past_the_file_size_limit
robustness::descriptor_limit_below_three robustness::address_space_limits
robustness::all_delete_under_a_descriptor_limit
faults:: crash:: add_in_place::a_batch_inside_a_user_namespace add_in_place::a_batch_that_cannot_come_back_stops
session:: show:: tuntap::"

# On a big-endian guest (powerpc64, s390x) qemu must also turn the numbers in each netlink
# message into the host's order. For the link requests we send, qemu 7.2 swaps the headers of
# the top-level attributes only: their u32 payloads (IFLA_NET_NS_FD, IFLA_NET_NS_PID, IFLA_MTU)
# and everything nested in IFLA_LINKINFO (the kind, the veth peer) reach the host kernel in the
# guest's order, so making a veth pair fails ("Operation not supported"), and so do moves ("Bad
# file descriptor") and MTU changes. These tests make veth pairs or move links; they pass under
# qemu on little-endian guests, where nothing needs turning. Our side of those bytes is for the
# unit tests to check (the netlink golden bytes, stated in native order).
BE_SKIPS="link::addresses_and_up_without_any_other_ip
link::busybox_takes_over_when_there_is_no_other_ip link::link_errors_read_as_iproute2s
link::moves_into_a_process_namespace link::moves_with_rename_up_and_mtu_on_one_line
link::veth_ends_made_in_other_namespaces"

case ${1:-} in
check)
    target=${2:?usage: cross.sh check TARGET}
    q=$(qemu_for "$target")
    rustup target list --installed | grep -qx "$target" || rustup target add "$target"
    binfmt "$q"
    upper=$(echo "$target" | tr 'a-z-' 'A-Z_')
    runner "$target" "$q"
    # Static whatever the target's default (glibc targets and rustup's powerpc64 musl link
    # dynamically), so every binary the tests start (in sandboxes, a chroot, as another user)
    # runs under qemu with no library path to carry along (QEMU_LD_PREFIX).
    export "CARGO_TARGET_${upper}_RUSTFLAGS=-C target-feature=+crt-static"
    case $target in
    *-linux-gnu*)
        gcc=$(echo "$target" | sed 's/-unknown-/-/')-gcc
        command -v "$gcc" >/dev/null ||
            fail "$gcc missing: apt-get install gcc-$q-linux-gnu libc6-dev-$q-cross"
        export "CARGO_TARGET_${upper}_LINKER=${CROSS_LINKER:-$gcc}"
        ;;
    # aarch64's musl start files include rcrt1.o, so it links as a static-pie as the Makefile
    # does; powerpc64's do not, and it stays a static binary at a fixed address.
    aarch64-*-musl) export "CARGO_TARGET_${upper}_LINKER=${CROSS_LINKER:-$PWD/packaging/static-pie-ld}" ;;
    *) export "CARGO_TARGET_${upper}_LINKER=${CROSS_LINKER:-rust-lld}" ;;
    esac
    skips=$QEMU_SKIPS
    if rustc --print cfg --target "$target" | grep -qx 'target_endian="big"'; then
        skips="$skips $BE_SKIPS"
    fi
    export NETNS_RUN_DIR="${NETNS_RUN_DIR:-/var/run/netns}" NETNS_ETC_DIR="${NETNS_ETC_DIR:-/etc/netns}"
    make build lint TARGET="$target"
    bin=target/$target/release/netns
    if readelf -lW "$bin" | grep -q INTERP || readelf -dW "$bin" | grep -q NEEDED; then
        fail "$bin is not static"
    fi
    echo "ok: $bin is static ($(stat -c %s "$bin") bytes)"
    case $target in aarch64-*-musl) sh tests/static.sh "$bin" no-chroot ;; esac
    set --
    [ -d vendor ] && set -- --config target/vendor-sources.toml
    export RUST_TEST_THREADS=1
    cargo "$@" test --release --locked --target "$target" --lib --bins --test fuzz_regressions
    set -- "$@" test --release --locked --target "$target" --test netns --
    for t in $skips; do set -- "$@" --skip "$t"; done
    cargo "$@"
    # shellcheck disable=SC2086
    echo "skipped under qemu-user:" $skips
    smoke "$bin"
    ;;
armv7)
    target=armv7-unknown-linux-musleabihf
    command -v arm-linux-musleabihf-gcc >/dev/null ||
        fail "needs musl-dev:armhf: dpkg --add-architecture armhf && apt-get update && apt-get install musl-dev:armhf"
    binfmt arm
    runner "$target" arm
    rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
    # build-std ships no self-contained crt objects or libunwind.a: link with musl-dev:armhf's
    # crt and libc, and an empty libunwind.a, since gcc's libgcc_eh provides _Unwind_*. libgcc_eh
    # calls abort, which the tiny build takes from libc nowhere else: libc once more after it,
    # by its file name, as rustc has switched the linker back to shared libraries by then.
    # They go in RUSTFLAGS, where `make tiny` adds its own. rustc would link armv7 at a fixed
    # address; packaging/static-pie-cc has the gcc wrapper link a static-pie instead.
    lib=$PWD/target/armv7-link
    mkdir -p "$lib" && rm -f "$lib/libunwind.a" && ar crs "$lib/libunwind.a"
    export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_MUSLEABIHF_LINKER=$PWD/packaging/static-pie-cc
    export STATIC_PIE_CC=arm-linux-musleabihf-gcc
    RUSTFLAGS="-C link-self-contained=no -L $lib"
    export RUSTFLAGS="$RUSTFLAGS -C link-arg=-lgcc_eh -C link-arg=-lgcc -C link-arg=-l:libc.a"
    set -- -Z build-std=std,panic_abort --release --locked --target "$target"
    # RUSTC_BOOTSTRAP lets the stable toolchain take -Z build-std.
    RUSTC_BOOTSTRAP=1 cargo build "$@"
    # The test harness runs with panic=abort too (-Z panic-abort-tests), or std is built twice.
    RUST_TEST_THREADS=1 RUSTC_BOOTSTRAP=1 cargo test "$@" -Z panic-abort-tests --lib --bins \
        --test fuzz_regressions
    bin=target/$target/release/netns
    file "$bin" 2>/dev/null || true
    echo "built $bin ($(stat -c %s "$bin") bytes)"
    sh tests/static.sh "$bin" no-chroot
    smoke "$bin"
    make tiny TARGET="$target" TINY_RUSTUP_TARGET=no
    sh tests/static.sh "target/tiny/$target/tiny/netns" no-chroot
    smoke "target/tiny/$target/tiny/netns"
    ;;
*)
    fail "usage: cross.sh check TARGET | cross.sh armv7 | cross.sh run QEMU BIN [ARG...]"
    ;;
esac
