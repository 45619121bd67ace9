#!/bin/sh
# Cross builds, run under qemu-user.
#   cross.sh check TARGET   rustup's std for TARGET, linked by rust-lld (no cross gcc); then the
#                           man page lint, a static check, the unit tests and the integration
#                           suite (as root) with every TARGET binary run by qemu, less the tests
#                           qemu-user cannot support (QEMU_SKIPS), and a smoke run.
#   cross.sh armv7          armv7-unknown-linux-musleabihf, best effort: rustup has no prebuilt
#                           std for it on our mirror, so std is rebuilt (-Z build-std) and linked
#                           by Debian's musl-dev:armhf gcc wrapper; unit tests and a smoke run.
# The test binaries and the netns they start run through binfmt_misc (mounted here if needed),
# so the tests' own fork and exec of the binary work as on the device.
set -eu
cd "$(dirname "$0")/.."
fail() { echo "cross: $*" >&2; exit 1; }

qemu_for() {
    case $1 in
        aarch64-*) echo aarch64 ;;
        armv7-* | arm-*) echo arm ;;
        riscv64*) echo riscv64 ;;
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
        sleep 1
        test "$($1 pids blue)" = "$sleeper"
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
# qemu's own system calls rather than the program's.
QEMU_SKIPS="seeds:: add::parallel_adds batch::batch_lines dispatch::bare_netns_and_output_options
dispatch::subcommand_prefixes list::list_formats list::set_then_list list::set_errors
list_id::list_id_errors list_id::list_id_output names::non_utf8_name netns_option::netns_option
robustness::closed_pipe_ends_quietly robustness::unprivileged
walkthrough::two_namespaces_ping_across_a_veth_pair old_kernels:: planted::fifos_are_not_waited_on
silent_errors::batch_files_that_cannot_be_read silent_errors::batch_read_error_midway
silent_errors::closed_stdout_is_an_error silent_errors::json_of_names_that_are_not_utf8
silent_errors::unreadable_run_dir silent_errors::list_when_entries_cannot_be_opened"

case ${1:-} in
check)
    target=${2:?usage: cross.sh check TARGET}
    q=$(qemu_for "$target")
    rustup target list --installed | grep -qx "$target" || rustup target add "$target"
    binfmt "$q"
    upper=$(echo "$target" | tr 'a-z-' 'A-Z_')
    export "CARGO_TARGET_${upper}_RUNNER=qemu-$q-static"
    export "CARGO_TARGET_${upper}_LINKER=${CROSS_LINKER:-rust-lld}"
    export NETNS_RUN_DIR="${NETNS_RUN_DIR:-/var/run/netns}" NETNS_ETC_DIR="${NETNS_ETC_DIR:-/etc/netns}"
    make build lint TARGET="$target"
    bin=target/$target/release/netns
    if readelf -lW "$bin" | grep -q INTERP || readelf -dW "$bin" | grep -q NEEDED; then
        fail "$bin is not static"
    fi
    echo "ok: $bin is static ($(stat -c %s "$bin") bytes)"
    set --
    [ -d vendor ] && set -- --config target/vendor-sources.toml
    cargo "$@" test --release --locked --target "$target" --lib --bins --test fuzz_regressions
    skips=
    for t in $QEMU_SKIPS; do skips="$skips --skip $t"; done
    # shellcheck disable=SC2086
    cargo "$@" test --release --locked --target "$target" --test netns -- $skips
    echo "skipped under qemu-user (namespace-id netlink messages): $QEMU_SKIPS" | tr '\n' ' '
    echo
    smoke "$bin"
    ;;
armv7)
    target=armv7-unknown-linux-musleabihf
    command -v arm-linux-musleabihf-gcc >/dev/null ||
        fail "needs musl-dev:armhf: dpkg --add-architecture armhf && apt-get update && apt-get install musl-dev:armhf"
    binfmt arm
    rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
    # build-std ships no self-contained crt objects or libunwind.a: link with musl-dev:armhf's
    # crt and libc, and an empty libunwind.a, since gcc's libgcc_eh provides _Unwind_*.
    lib=$PWD/target/armv7-link
    mkdir -p "$lib" && rm -f "$lib/libunwind.a" && ar crs "$lib/libunwind.a"
    set -- --config "target.$target.linker=\"arm-linux-musleabihf-gcc\"" \
        --config "target.$target.rustflags=[\"-C\",\"link-self-contained=no\",\"-L\",\"$lib\",\"-C\",\"link-arg=-lgcc_eh\",\"-C\",\"link-arg=-lgcc\"]" \
        --config "target.$target.runner=\"qemu-arm-static\"" \
        -Z build-std=std,panic_abort --release --locked --target "$target"
    # RUSTC_BOOTSTRAP lets the stable toolchain take -Z build-std.
    RUSTC_BOOTSTRAP=1 cargo build "$@"
    # The test harness runs with panic=abort too (-Z panic-abort-tests), or std is built twice.
    RUSTC_BOOTSTRAP=1 cargo test "$@" -Z panic-abort-tests --lib --bins --test fuzz_regressions
    bin=target/$target/release/netns
    file "$bin" 2>/dev/null || true
    echo "built $bin ($(stat -c %s "$bin") bytes)"
    smoke "$bin"
    ;;
*)
    fail "usage: cross.sh check TARGET | cross.sh armv7"
    ;;
esac
