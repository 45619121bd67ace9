#!/bin/sh
# Runs packaging/alpine/APKBUILD's prepare, build, check and package as abuild would, with
# abuild's variables and helpers set by hand (abuild itself is Alpine's and not here): srcdir
# holds the unpacked release tarball, builddir is the tree inside it, pkgdir the package root,
# CTARGET the host's Rust target. cargo-auditable is stood in for by plain cargo. Then checks
# the package tree, and that abuild's -doc and -bash-completion splits would find their files.
set -eu
tarball=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/src" "$work/pkg" "$work/bin"
tar -xzf "$tarball" -C "$work/src"
printf '#!/bin/sh\n# cargo auditable ARGS: run cargo ARGS\nshift\nexec cargo "$@"\n' >"$work/bin/cargo-auditable"
chmod 755 "$work/bin/cargo-auditable"

(
    . "$here/alpine/APKBUILD"
    export srcdir="$work/src" builddir="$work/src/$pkgname-$pkgver" pkgdir="$work/pkg/$pkgname"
    CTARGET=$(rustc -vV | sed -n 's/^host: //p')
    export CTARGET CBUILD="$CTARGET" CHOST="$CTARGET"
    export PATH="$work/bin:$PATH"
    unset CARGO_TARGET_DIR
    default_prepare() { :; }   # applies the patches in $source; there are none
    set -e
    for step in prepare build check package; do
        echo "--- APKBUILD $step()"
        cd "$builddir"
        $step
    done
    # abuild's checks on the variables themselves
    [ "$pkgname" = netns ] && [ -n "$pkgver" ] && [ -n "$license" ] && [ -n "$url" ]
    case " $subpackages " in *" $pkgname-doc "*) ;; *) exit 1 ;; esac
) || fail "APKBUILD functions"

root=$work/pkg/netns
[ -x "$root/usr/sbin/netns" ] || fail "no usr/sbin/netns"
"$root/usr/sbin/netns" -V | grep -q '^netns' || fail "the packaged netns does not run"
# abuild's default_doc takes usr/share/man into netns-doc, the bash-completion split takes
# usr/share/bash-completion/completions into netns-bash-completion.
[ -f "$root/usr/share/man/man8/netns.8" ] || fail "no man page for netns-doc"
[ -f "$root/usr/share/bash-completion/completions/netns" ] || fail "no completion for netns-bash-completion"
found=$(cd "$root" && find . -type f | sort | tr '\n' ' ')
[ "$found" = "./usr/sbin/netns ./usr/share/bash-completion/completions/netns ./usr/share/man/man8/netns.8 " ] ||
    fail "unexpected package tree: $found"
echo "ok: APKBUILD prepare/build/check/package; tree: $found"
