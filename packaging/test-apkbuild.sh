#!/bin/sh
# Runs packaging/alpine/APKBUILD's prepare, build, check and package as abuild would, with
# abuild's variables and helpers set by hand (abuild itself is Alpine's and not here): srcdir
# holds the unpacked release tarball, builddir is the tree inside it, pkgdir the package root,
# CTARGET the host's Rust target. cargo-auditable is stood in for by plain cargo. Then checks
# the package tree, that abuild's -doc and -bash-completion splits would find their files, and
# runs the netns-ip split function (abuild's amove stood in for): its tree is /sbin/ip, a link
# to /usr/sbin/netns that answers as ip, and it conflicts with iproute2-minimal.
set -eu
tarball=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/src" "$work/pkg" "$work/bin" "$work/sub"
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
    case " $subpackages " in *" $pkgname-ip:_ip:noarch "*) ;; *) exit 1 ;; esac
    # abuild's amove: each path moves from the package to the subpackage.
    amove() {
        for path; do
            mkdir -p "$subpkgdir/${path%/*}"
            mv "$pkgdir/$path" "$subpkgdir/$path"
            rmdir -p "$pkgdir/${path%/*}" 2>/dev/null || true
        done
    }
    echo "--- APKBUILD _ip() for netns-ip"
    subpkgdir="$work/sub/netns-ip"
    _ip
    echo "netns-ip: depends=\"$depends\" pkgdesc=\"$pkgdesc\""
    case " $depends " in *" !iproute2-minimal "*) ;; *) exit 1 ;; esac
    case " $depends " in *" $pkgname=$pkgver-r$pkgrel "*) ;; *) exit 1 ;; esac
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
! [ -e "$root/sbin" ] && ! [ -L "$root/sbin/ip" ] || fail "sbin/ip is left in netns itself"
echo "ok: APKBUILD prepare/build/check/package; tree: $found"

sub=$work/sub/netns-ip
tree=$(cd "$sub" && find . ! -type d | sort | tr '\n' ' ')
[ "$tree" = "./sbin/ip " ] || fail "unexpected netns-ip tree: $tree"
[ "$(readlink "$sub/sbin/ip")" = /usr/sbin/netns ] || fail "netns-ip's /sbin/ip is not a link to /usr/sbin/netns"
ln -s "$root/usr/sbin/netns" "$work/ip"
[ "$(PATH=/nonexistent "$work/ip" -V)" = "ip utility, netns-$(sed -n 's/^pkgver=//p' "$here/alpine/APKBUILD")" ] ||
    fail "netns, run as ip, does not answer as ip"
echo "ok: netns-ip: tree $tree-> $(readlink "$sub/sbin/ip"), runs as ip, conflicts with iproute2-minimal"
